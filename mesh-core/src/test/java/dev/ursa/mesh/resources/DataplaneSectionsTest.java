package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import dev.ursa.mesh.validation.Violations;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Dataplane sections beyond what Kuma's own validator tests pin ({@link DataplaneKumaConformanceTest}), each
 * against {@code dataplane_validator.go} (release-2.14): zone proxy listeners, transparent proxying and reachable
 * backends, gateways, metrics, probes, addresses (IPv6, host names), serviceAddress and the admin port; and what is
 * kept but not acted on, which a write is warned about.
 */
class DataplaneSectionsTest {
    private static final String HEAD = "type: Dataplane\nmesh: default\nname: dp-1\n";

    static Violations check(String body) {
        return ResourceValidation.check(decode(body));
    }

    static Resource decode(String body) {
        return ResourceCodec.decode(ResourceCodec.parse((HEAD + body).getBytes(UTF_8), Format.YAML));
    }

    static List<Violation> violations(String body) {
        return check(body).list();
    }

    static List<Violation> warnings(String body) {
        return check(body).warnings();
    }

    static Violation v(String field, String message) {
        return new Violation(field, message);
    }

    /** The violations of binding the document (wrong JSON types, unknown fields, unknown enum values). */
    static List<Violation> decodeErrors(String body) {
        try {
            decode(body);
        } catch (ValidationException e) {
            return e.violations();
        }
        throw new AssertionError("decoded without an error");
    }

    static final String SIDECAR = """
            networking:
              address: 192.168.0.1
              inbound:
                - port: 8080
                  tags: {kuma.io/service: backend}
            """;

    @Nested
    class Listeners {
        @Test
        void zoneIngressAndEgressBesideInbounds() {
            String doc = SIDECAR + """
                      listeners:
                        - {type: ZoneIngress, address: 192.168.0.1, port: 10001, name: zi}
                        - {type: ZoneEgress, address: 192.168.0.1, port: 10002, state: NotReady}
                        - {type: ZoneIngress, address: "fd00::1", port: 10001}
                        - {type: ZoneEgress, address: zone-proxy.local, port: 10001}
                    """;
            assertThat(violations(doc)).isEmpty();
            DataplaneSpec spec = decode(doc).spec(DataplaneSpec.class);
            assertThat(spec.listeners()).hasSize(4);
            assertThat(spec.listeners().get(1)).isEqualTo(new DataplaneSpec.Listener(DataplaneSpec.ListenerType.ZoneEgress,
                    "192.168.0.1", 10002, null, DataplaneSpec.ListenerState.NotReady));
        }

        @Test
        void everyRuleOfOneListenerInKumasOrder() {
            assertThat(violations(SIDECAR + """
                      listeners:
                        - {address: 0.0.0.0, port: 0}
                    """)).containsExactly(
                    v("networking.listeners[0].type", "type must be ZoneIngress or ZoneEgress"),
                    v("networking.listeners[0].address", "must not be 0.0.0.0 or ::"),
                    v("networking.listeners[0].port", "port must be in the range [1, 65535]"));
            assertThat(violations(SIDECAR + """
                      listeners:
                        - {type: Unspecified, address: "::", port: 10001}
                    """)).containsExactly(
                    v("networking.listeners[0].type", "type must be ZoneIngress or ZoneEgress"),
                    v("networking.listeners[0].address", "must not be 0.0.0.0 or ::"));
        }

        @Test
        void anUnknownTypeIsABindingError() {
            assertThat(decodeErrors(SIDECAR + """
                      listeners:
                        - {type: Gateway, address: 192.168.0.1, port: 10001}
                    """)).extracting(Violation::field).containsExactly("networking.listeners[0].type");
        }

        @Test
        void anUnnamedInboundIsNamedByItsPort() {
            // Kuma's GetSectionName: an inbound without a name is "8080"
            assertThat(violations(SIDECAR + """
                      listeners:
                        - {type: ZoneIngress, address: 192.168.0.1, port: 10001, name: "8080"}
                    """)).containsExactly(v("networking.listeners[0].name", "name \"8080\" must be unique across inbounds and listeners"));
        }

        @Test
        void anInboundCollidesOnItsOwnAddressElseTheDataplanes() {
            String inboundOnOwnAddress = """
                    networking:
                      address: 192.168.0.1
                      inbound:
                        - {port: 8080, address: 192.168.0.2, tags: {kuma.io/service: backend}}
                      listeners:
                        - {type: ZoneIngress, address: %s, port: 8080}
                    """;
            assertThat(violations(inboundOnOwnAddress.formatted("192.168.0.1"))).isEmpty();
            assertThat(violations(inboundOnOwnAddress.formatted("192.168.0.2")))
                    .containsExactly(v("networking.listeners[0]", "address:port 192.168.0.2:8080 collides with an inbound listener"));
        }

        @Test
        void addressesAreComparedAsWrittenAndIpv6KeysAreNotBracketed() {
            // Kuma compares "address:port" strings: two spellings of one IPv6 address are two keys
            assertThat(violations("""
                    networking:
                      address: "fd00::1"
                      listeners:
                        - {type: ZoneIngress, address: "fd00::1", port: 10001}
                        - {type: ZoneEgress, address: "fd00::1", port: 10001}
                        - {type: ZoneEgress, address: "fd00:0::1", port: 10001}
                    """)).containsExactly(v("networking.listeners[1]", "address:port fd00::1:10001 is used by listeners of different types"));
        }

        @Test
        void aListenerMayCollideAndRepeatAtOnce() {
            assertThat(violations(SIDECAR + """
                      listeners:
                        - {type: ZoneIngress, address: 192.168.0.1, port: 8080, name: a}
                        - {type: ZoneIngress, address: 192.168.0.1, port: 8080, name: a}
                    """)).containsExactly(
                    v("networking.listeners[0]", "address:port 192.168.0.1:8080 collides with an inbound listener"),
                    v("networking.listeners[1].name", "name \"a\" must be unique across inbounds and listeners"),
                    v("networking.listeners[1]", "address:port 192.168.0.1:8080 is already used by another listener"),
                    v("networking.listeners[1]", "address:port 192.168.0.1:8080 collides with an inbound listener"));
        }

        @Test
        void onAGatewayOnlyTheirPresenceIsReported() {
            // Kuma validates a gateway's listeners no further: one violation, not the listener's own
            assertThat(violations("""
                    networking:
                      address: 192.168.0.1
                      gateway: {tags: {kuma.io/service: kong}}
                      listeners:
                        - {address: "", port: 0}
                    """)).containsExactly(v("networking.listeners", "listeners cannot be defined for delegated gateways"));
        }

        @Test
        void areAcceptedWithAWarningThatTheyHaveNoEffect() {
            assertThat(warnings(SIDECAR)).isEmpty();
            assertThat(warnings(SIDECAR + """
                      listeners:
                        - {type: ZoneIngress, address: 192.168.0.1, port: 10001}
                    """)).singleElement().satisfies(w -> {
                assertThat(w.field()).isEqualTo("networking.listeners");
                assertThat(w.message()).contains("no effect in Ursa");
            });
        }
    }

    @Nested
    class TransparentProxying {
        @Test
        void reachableBackendsAreReportedUnderKumasPath() {
            assertThat(violations(SIDECAR + """
                      transparentProxying:
                        redirectPortInbound: 70000
                        reachableBackends:
                          refs:
                            - {kind: MeshService, name: "%s"}
                            - {kind: MeshExternalService, labels: {team: core}}
                            - {kind: MeshMultiZoneService, name: backend, namespace: kuma-demo, port: 80}
                    """.formatted("a".repeat(254)))).containsExactly(
                    // Ursa's own check, on the document's path
                    v("networking.transparentProxying.redirectPortInbound", "port must be in the range [0, 65535]"),
                    // Kuma's, on Kuma's path (sic)
                    v("networking.transparentProxing.reachableBackends.refs[0].name", "value length must less or equal 253"));
        }

        @Test
        void isAcceptedWithAWarning() {
            assertThat(warnings(SIDECAR + """
                      transparentProxying: {redirectPortInbound: 15006, redirectPortOutbound: 15001, reachableServices: [web]}
                    """)).extracting(Violation::field).containsExactly("networking.transparentProxying");
        }
    }

    @Nested
    class Gateways {
        @Test
        void aDelegatedGatewaysProbesAreCheckedWhereTheyAre() {
            assertThat(violations("""
                    networking:
                      address: 192.168.0.1
                      gateway: {type: DELEGATED, tags: {kuma.io/service: kong}}
                    probes: {port: 9000, endpoints: [{inboundPort: 8080, inboundPath: healthz, path: /healthz}]}
                    """)).containsExactly(v("probes.endpoints[0].inboundPath", "should be a valid URL Path"));
        }

        @Test
        void aBuiltinGatewaysProbesAreRefusedAsAWholeUnderKumasPath() {
            assertThat(violations("""
                    networking:
                      address: 192.168.0.1
                      gateway: {type: BUILTIN, tags: {kuma.io/service: edge}}
                    probes: {}
                    """)).containsExactly(v("networking.probes", "probes cannot be defined for builtin gateways"));
        }

        @Test
        void aGatewaysMetricsAreNotCheckedAsKumaDoesNot() {
            for (String type : List.of("DELEGATED", "BUILTIN")) {
                assertThat(violations("""
                        networking:
                          address: 192.168.0.1
                          gateway: {type: %s, tags: {kuma.io/service: edge}}
                        metrics: {type: statsd}
                        """.formatted(type))).as(type).isEmpty();
            }
        }

        @Test
        void aBuiltinGatewayIsAcceptedWithAWarningADelegatedOneIsServed() {
            assertThat(warnings("""
                    networking:
                      address: 192.168.0.1
                      gateway: {type: BUILTIN, tags: {kuma.io/service: edge}}
                    """)).extracting(Violation::field).containsExactly("networking.gateway.type");
            assertThat(warnings("""
                    networking:
                      address: 192.168.0.1
                      gateway: {tags: {kuma.io/service: kong}}
                      outbound: [{port: 33033, tags: {kuma.io/service: backend}}]
                    """)).isEmpty();
        }
    }

    @Nested
    class Metrics {
        @Test
        void aPrometheusBackendIsTypedAndKeptAsWritten() {
            String doc = SIDECAR + """
                    metrics:
                      name: own
                      type: prometheus
                      conf: {port: 5670, path: /metrics, tags: {team: core}, skipMTLS: true, futureField: x,
                             aggregate: [{name: app, port: 9102, path: /stats}]}
                    """;
            assertThat(violations(doc)).isEmpty();
            DataplaneSpec.Metrics m = decode(doc).spec(DataplaneSpec.class).metrics();
            assertThat(m.name()).isEqualTo("own");
            assertThat(m.conf().get("futureField").asText()).as("conf is kept as written").isEqualTo("x");
        }

        @Test
        void theConfIsCheckedAsAMeshsPrometheusBackend() {
            assertThat(violations(SIDECAR + """
                    metrics: {type: prometheus, conf: {skipMTLS: true, tls: {mode: activeMTLSBackend}}}
                    """)).containsExactly(v("metrics.conf", "skipMTLS and tls configuration cannot be defined together"));
            assertThat(violations(SIDECAR + """
                    metrics: {type: prometheus, conf: {envoy: {filterRegex: "("}}}
                    """)).extracting(Violation::field).containsExactly("metrics.conf.envoy.filterRegex");
            assertThat(violations(SIDECAR + """
                    metrics: {type: prometheus, conf: {port: "not a port"}}
                    """)).extracting(Violation::field).containsExactly("metrics.conf");
            assertThat(violations(SIDECAR + """
                    metrics: {type: prometheus, conf: [1]}
                    """)).containsExactly(v("metrics.conf", "could not parse config: must be an object"));
        }

        @Test
        void aMissingTypeIsAnUnknownOne() {
            assertThat(violations(SIDECAR + "metrics: {}\n"))
                    .containsExactly(v("metrics.type", "unknown backend type. Available backends: \"prometheus\""));
        }

        @Test
        void theSectionItselfIsStrict() {
            assertThat(decodeErrors(SIDECAR + "metrics: prometheus\n")).extracting(Violation::field).containsExactly("metrics");
            assertThat(decodeErrors(SIDECAR + "metrics: {type: prometheus, config: {}}\n"))
                    .containsExactly(v("metrics.config", "unknown field \"config\""));
        }

        @Test
        void isAcceptedWithAWarning() {
            assertThat(warnings(SIDECAR + "metrics: {type: prometheus}\n")).extracting(Violation::field).containsExactly("metrics");
        }
    }

    @Nested
    class Probes {
        @Test
        void pathsAreRequestUris() {
            assertThat(violations(SIDECAR + """
                    probes:
                      port: 9000
                      endpoints:
                        - {inboundPort: 8080, inboundPath: "/healthz?full=1", path: /8080/healthz}
                        - {inboundPort: 8080, inboundPath: "http://localhost/x", path: "*"}
                        - {inboundPort: 8080, inboundPath: "", path: "/a b"}
                        - {inboundPort: 65536}
                    """)).containsExactly(
                    v("probes.endpoints[2].inboundPath", "should be a valid URL Path"),
                    v("probes.endpoints[3].inboundPort", "port must be in the range [1, 65535]"),
                    v("probes.endpoints[3].inboundPath", "should be a valid URL Path"),
                    v("probes.endpoints[3].path", "should be a valid URL Path"));
        }

        @Test
        void anEmptySectionNeedsItsPort() {
            assertThat(violations(SIDECAR + "probes: {}\n")).containsExactly(v("probes.port", "port must be in the range [1, 65535]"));
        }

        @Test
        void areTypedAndAcceptedWithAWarning() {
            String doc = SIDECAR + "probes: {port: 9000, endpoints: [{inboundPort: 8080, inboundPath: /h, path: /8080/h}]}\n";
            assertThat(decode(doc).spec(DataplaneSpec.class).probes().endpointsOrEmpty())
                    .containsExactly(new DataplaneSpec.ProbeEndpoint(8080, "/h", "/8080/h"));
            assertThat(warnings(doc)).extracting(Violation::field).containsExactly("probes");
            assertThat(decodeErrors(SIDECAR + "probes: {port: 9000, endpoint: []}\n")).extracting(Violation::field)
                    .containsExactly("probes.endpoint");
        }
    }

    @Nested
    class AddressesAndHostNames {
        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.1", "fd00::1", "2001:DB8::7", "::ffff:10.0.0.1", "dp.example", "dp.example.", "my_host-1",
                "a.b.c.d.e"})
        void aDataplaneAddressIsAnIpOrAHostName(String address) {
            assertThat(violations(SIDECAR.replace("192.168.0.1", "\"" + address + "\""))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"fe80::1%eth0", "fe80::1%1", "::00001", "10.0.0.300", "10.0.0", "[fd00::1]", "dp example", "a..b",
                "-dp.example"})
        void otherAddressesAreRefused(String address) {
            assertThat(violations(SIDECAR.replace("192.168.0.1", "\"" + address + "\"")))
                    .containsExactly(v("networking.address", "address has to be valid IP address or domain name"));
        }

        @Test
        void aLongHostNameCountsWithoutItsDots() {
            String labels = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63), "eee");
            assertThat(violations(SIDECAR.replace("192.168.0.1", labels))).isEmpty();
            assertThat(violations(SIDECAR.replace("192.168.0.1", labels + "e"))).extracting(Violation::field).containsExactly("networking.address");
            assertThat(violations(SIDECAR.replace("192.168.0.1", "a".repeat(64) + ".example"))).extracting(Violation::field)
                    .containsExactly("networking.address");
        }

        @Test
        void inboundAndOutboundAddressesAreIpsOnlyIpv6Included() {
            assertThat(violations("""
                    networking:
                      address: dp.example
                      advertisedAddress: "2001:db8::9"
                      inbound:
                        - {port: 8080, address: "fd00::2", serviceAddress: "::1", tags: {kuma.io/service: backend}}
                      outbound:
                        - {port: 33033, address: "::1", tags: {kuma.io/service: db}}
                    """)).isEmpty();
            assertThat(violations("""
                    networking:
                      address: 10.0.0.1
                      inbound:
                        - {port: 8080, address: "fe80::1%1", serviceAddress: localhost, tags: {kuma.io/service: backend}}
                      outbound:
                        - {port: 33033, address: "db.local", tags: {kuma.io/service: db}}
                    """)).containsExactly(
                    v("networking.inbound[0].serviceAddress", "serviceAddress has to be valid IP address"),
                    v("networking.inbound[0].address", "address has to be valid IP address"),
                    v("networking.outbound[0].address", "address has to be valid IP address"));
        }
    }

    @Nested
    class ServiceAddress {
        private static String inbound(String fields) {
            return """
                    networking:
                      address: 10.0.0.1
                      inbound:
                        - {port: 8080, %s, tags: {kuma.io/service: backend}}
                    """.formatted(fields);
        }

        private static final Violation SAME = v("networking.inbound[0].serviceAddress",
                "serviceAddress and servicePort has to differ from address and port");

        @Test
        void theApplicationMayShareTheAddressOnAnotherPort() {
            assertThat(violations(inbound("serviceAddress: 10.0.0.1, servicePort: 18080"))).isEmpty();
            assertThat(violations(inbound("address: 10.0.0.2, serviceAddress: 10.0.0.2, servicePort: 18080"))).isEmpty();
            assertThat(violations(inbound("serviceAddress: 127.0.0.1"))).isEmpty();
        }

        @Test
        void notTheSamePortExplicitOrImplied() {
            assertThat(violations(inbound("serviceAddress: 10.0.0.1, servicePort: 8080"))).containsExactly(SAME);
            assertThat(violations(inbound("address: 10.0.0.2, serviceAddress: 10.0.0.2, servicePort: 8080"))).containsExactly(SAME);
            // equal to both the Dataplane's and the inbound's address: Kuma says so twice
            assertThat(violations(inbound("address: 10.0.0.1, serviceAddress: 10.0.0.1"))).containsExactly(SAME, SAME);
            // compared as written, as Kuma does
            assertThat(violations("""
                    networking:
                      address: "fd00::1"
                      inbound:
                        - {port: 8080, serviceAddress: "fd00:0::1", tags: {kuma.io/service: backend}}
                    """)).isEmpty();
        }
    }

    @Nested
    class AdminPort {
        private static String admin(String inbound, String outbound) {
            return """
                    networking:
                      address: 10.0.0.1
                      admin: {port: 9901}
                      inbound: [%s]
                      outbound: [%s]
                    """.formatted(inbound, outbound);
        }

        private static final String DB = "{port: 33033, address: 127.0.0.2, tags: {kuma.io/service: db}}";

        @Test
        void anInboundOnAnotherAddressMayUseThePort() {
            // Envoy's admin listens on 127.0.0.1: an inbound on the Dataplane's address does not collide (Kuma)
            assertThat(violations(admin("{port: 9901, tags: {kuma.io/service: web}}", DB))).isEmpty();
            assertThat(violations(admin("{port: 80, tags: {kuma.io/service: web}}", "{port: 9901, address: 127.0.0.2, tags: {kuma.io/service: db}}")))
                    .isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"{port: 9901, address: 127.0.0.1, tags: {kuma.io/service: web}}",
                "{port: 9901, address: \"::\", tags: {kuma.io/service: web}}",
                "{port: 9901, address: \"::ffff:127.0.0.1\", tags: {kuma.io/service: web}}",
                "{port: 80, servicePort: 9901, serviceAddress: 127.0.0.1, tags: {kuma.io/service: web}}",
                "{port: 80, address: 0.0.0.0, servicePort: 9901, tags: {kuma.io/service: web}}"})
        void anInboundOrItsApplicationOnLoopbackMayNot(String inbound) {
            assertThat(violations(admin(inbound, DB))).containsExactly(v("networking.admin.port", "must differ from inbound"));
        }

        @Test
        void anOutboundOnLoopbackMayNot() {
            assertThat(violations(admin("{port: 80, tags: {kuma.io/service: web}}", "{port: 9901, tags: {kuma.io/service: db}}")))
                    .containsExactly(v("networking.admin.port", "must differ from outbound"));
        }

        @Test
        void isAcceptedWithAWarning() {
            assertThat(warnings(admin("{port: 80, tags: {kuma.io/service: web}}", DB))).extracting(Violation::field)
                    .containsExactly("networking.admin");
        }
    }

    @Test
    void everyFieldNotActedOnIsWarnedAboutOnceInOrder() {
        assertThat(warnings("""
                networking:
                  address: 10.0.0.1
                  admin: {port: 9901}
                  transparentProxying: {redirectPortInbound: 15006}
                  inbound:
                    - port: 8080
                      tags: {kuma.io/service: web}
                      serviceProbe: {interval: 10s, tcp: {}}
                  listeners:
                    - {type: ZoneIngress, address: 10.0.0.1, port: 10001}
                metrics: {type: prometheus}
                probes: {port: 9000}
                envoy: {bootstrap: {}}
                """)).extracting(Violation::field).containsExactly("networking.listeners", "networking.transparentProxying",
                "networking.admin", "networking.inbound[0].serviceProbe", "metrics", "probes", "envoy");
    }

    @Test
    void everyNewSectionRoundTripsUnchanged() {
        String doc = HEAD + """
                networking:
                  address: 10.0.0.1
                  inbound:
                    - port: 8080
                      tags: {kuma.io/service: web}
                  listeners:
                    - {type: ZoneIngress, address: 10.0.0.1, port: 10001, name: zi, state: NotReady}
                    - {type: ZoneEgress, address: "fd00::1", port: 10002}
                  transparentProxying:
                    reachableBackends:
                      refs: [{kind: MeshService, name: db, namespace: kuma-demo, port: 5432}, {kind: MeshExternalService, labels: {a: b}}]
                metrics:
                  name: own
                  type: prometheus
                  conf: {port: 5670, aggregate: [{name: app, port: 9102}], future: [1, {x: y}]}
                probes:
                  port: 9000
                  endpoints: [{inboundPort: 8080, inboundPath: /h, path: /8080/h}]
                """;
        JsonNode input = ResourceCodec.parse(doc.getBytes(UTF_8), Format.YAML);
        Resource r = ResourceCodec.decode(input);
        ObjectNode encoded = ResourceCodec.encode(r);
        encoded.remove("labels");
        assertThat(encoded).isEqualTo(input);
        assertThat(ResourceCodec.decode(encoded)).isEqualTo(r);
    }

    @Test
    void nullsInsideTheNewSectionsAreRefusedByName() {
        assertThatThrownBy(() -> decode(SIDECAR + "  listeners: [null]\n")).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations()).containsExactly(v("networking.listeners[0]", "must not be null")));
        assertThatThrownBy(() -> decode(SIDECAR + "probes: {port: 9000, endpoints: [null]}\n")).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations()).containsExactly(v("probes.endpoints[0]", "must not be null")));
    }
}
