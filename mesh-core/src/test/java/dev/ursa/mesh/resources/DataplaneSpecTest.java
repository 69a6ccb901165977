package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataplaneSpecTest {

    static Resource decode(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML));
    }

    static List<Violation> violations(String yaml) {
        return ResourceValidation.check(decode(yaml)).list();
    }

    // A universal sidecar as Kuma's docs show it: one inbound, one outbound, transparent proxying, admin port.
    static final String DOCS_SIDECAR = """
            type: Dataplane
            mesh: default
            name: backend-1
            labels:
              team: payments
            networking:
              address: 192.168.0.2
              advertisedAddress: 10.0.0.2
              inbound:
                - port: 11011
                  servicePort: 11012
                  serviceAddress: 127.0.0.1
                  name: http
                  tags:
                    kuma.io/service: backend
                    kuma.io/protocol: http
                    version: "2"
                    env: production
                  serviceProbe:
                    interval: 10s
                    timeout: 2s
                    unhealthyThreshold: 3
                    healthyThreshold: 1
                    tcp: {}
              outbound:
                - port: 33033
                  tags:
                    kuma.io/service: database
                - port: 33034
                  address: 127.0.0.2
                  backendRef:
                    kind: MeshService
                    name: redis
                    port: 6379
              transparentProxying:
                redirectPortInbound: 15006
                redirectPortOutbound: 15001
                directAccessServices: ["*"]
                reachableServices: [database, redis]
                ipFamilyMode: DualStack
              admin:
                port: 9901
            metrics:
              type: prometheus
              conf:
                port: 5670
                path: /metrics
            """;

    static final String DOCS_GATEWAY = """
            type: Dataplane
            mesh: default
            name: kong-1
            networking:
              address: 10.0.0.1
              gateway:
                type: DELEGATED
                tags:
                  kuma.io/service: kong
              outbound:
                - port: 33033
                  tags:
                    kuma.io/service: backend
            """;

    static final String MULTI_INBOUND = """
            type: Dataplane
            mesh: default
            name: web-1
            networking:
              address: web-1.internal.example.com
              inbound:
                - port: 8080
                  tags: {kuma.io/service: web}
                - port: 8081
                  tags: {kuma.io/service: web-admin}
                  health: {ready: false}
                - port: 8082
                  tags: {kuma.io/service: web-debug}
                  state: Ignored
                - port: 8083
                  tags: {kuma.io/service: web}
                  health: {ready: true}
            """;

    @Test
    void docsStyleDataplanesAreValid() {
        assertThat(violations(DOCS_SIDECAR)).isEmpty();
        assertThat(violations(DOCS_GATEWAY)).isEmpty();
        assertThat(violations(MULTI_INBOUND)).isEmpty();
        assertThat(violations("""
                type: Dataplane
                mesh: default
                name: v6
                networking:
                  address: "fd00::1"
                  inbound:
                    - port: 80
                      address: "fd00::1"
                      serviceAddress: "::1"
                      tags: {kuma.io/service: v6}
                """)).isEmpty();
    }

    @Test
    void decodesTypedFieldsAndAccessors() {
        Resource r = decode(DOCS_SIDECAR);
        DataplaneSpec dp = r.spec(DataplaneSpec.class);
        assertThat(r.type()).isEqualTo(ResourceTypes.DATAPLANE);
        assertThat(r.meta().labels()).containsEntry("team", "payments");
        assertThat(dp.inbounds()).hasSize(1);
        DataplaneSpec.Inbound in = dp.inbounds().getFirst();
        assertThat(in.serviceName()).isEqualTo("backend");
        assertThat(in.effectiveServicePort()).isEqualTo(11012);
        assertThat(in.serviceProbe().interval().value()).hasSeconds(10);
        assertThat(in.ready()).isTrue();
        assertThat(dp.outbounds()).extracting(DataplaneSpec.Outbound::serviceName).containsExactly("database", "redis");
        assertThat(dp.networking().transparentProxying().ipFamilyMode()).isEqualTo(DataplaneSpec.IpFamilyMode.DualStack);
        assertThat(dp.networking().admin().port()).isEqualTo(9901);
        assertThat(dp.reachableAddress()).isEqualTo("10.0.0.2");
        assertThat(dp.metrics().conf().get("port").asInt()).isEqualTo(5670);
        assertThat(dp.serviceNames()).containsExactly("backend");
    }

    @Test
    void readinessFollowsHealthAndState() {
        DataplaneSpec dp = decode(MULTI_INBOUND).spec(DataplaneSpec.class);
        assertThat(dp.inbounds()).extracting(DataplaneSpec.Inbound::ready).containsExactly(true, false, false, true);
        assertThat(dp.inbounds()).extracting(DataplaneSpec.Inbound::ignored).containsExactly(false, false, true, false);
        assertThat(dp.serviceNames()).containsExactly("web", "web-admin", "web-debug");
        assertThat(dp.inbounds().getFirst().effectiveServicePort()).isEqualTo(8080);
    }

    @Test
    void gatewayAccessors() {
        DataplaneSpec dp = decode(DOCS_GATEWAY).spec(DataplaneSpec.class);
        assertThat(dp.gateway()).get().extracting(DataplaneSpec.Gateway::typeOrDefault).isEqualTo(DataplaneSpec.GatewayType.DELEGATED);
        assertThat(dp.inbounds()).isEmpty();
        assertThat(dp.serviceNames()).containsExactly("kong");
    }

    @Test
    void roundTripIsLossless() {
        for (String doc : List.of(DOCS_SIDECAR, DOCS_GATEWAY, MULTI_INBOUND)) {
            Resource r = decode(doc);
            JsonNode encoded = ResourceCodec.encode(r);
            Resource again = ResourceCodec.decode(encoded);
            assertThat(again).isEqualTo(r);
            assertThat(ResourceCodec.encode(again)).isEqualTo(encoded);
            // inline layout: spec fields sit beside the meta fields
            assertThat(encoded.has("networking")).isTrue();
            assertThat(encoded.has("spec")).isFalse();
            // and the encoded document equals the input document (plus an explicit labels object)
            JsonNode input = ResourceCodec.parse(doc.getBytes(UTF_8), Format.YAML);
            ((com.fasterxml.jackson.databind.node.ObjectNode) encoded).remove("labels");
            ((com.fasterxml.jackson.databind.node.ObjectNode) input).remove("labels");
            assertThat(encoded).isEqualTo(input);
        }
    }

    @Test
    void bindingErrorsNameTheField() {
        assertThatThrownBy(() -> decode("""
                type: Dataplane
                mesh: default
                name: dp
                networking:
                  address: 10.0.0.1
                  inbound:
                    - port: "8080"
                      tags: {kuma.io/service: web}
                """)).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations())
                        .extracting(Violation::field).containsExactly("networking.inbound[0].port"));
        assertThatThrownBy(() -> decode("""
                type: Dataplane
                mesh: default
                name: dp
                networking:
                  address: 10.0.0.1
                  inbound:
                    - port: 8080
                      state: Sleeping
                      tags: {kuma.io/service: web}
                """)).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations())
                        .extracting(Violation::field).containsExactly("networking.inbound[0].state"));
        assertThatThrownBy(() -> decode("""
                type: Dataplane
                mesh: default
                name: dp
                networking:
                  address: 10.0.0.1
                  inboundz: []
                """)).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations())
                        .extracting(Violation::field).containsExactly("networking.inboundz"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("no networking", """
                        networking: null
                        """, "networking", "must be defined"),
                Arguments.of("missing address", """
                        networking:
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                        """, "networking.address", "address can't be empty"),
                Arguments.of("wildcard address", """
                        networking:
                          address: 0.0.0.0
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                        """, "networking.address", "must not be 0.0.0.0 or ::"),
                Arguments.of("address not an IP or hostname", """
                        networking:
                          address: "not a host!"
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                        """, "networking.address", "address has to be valid IP address or domain name"),
                Arguments.of("malformed IPv4", """
                        networking:
                          address: 10.0.0.300
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                        """, "networking.address", "address has to be valid IP address or domain name"),
                Arguments.of("inbound and delegated gateway", """
                        networking:
                          address: 10.0.0.1
                          gateway: {tags: {kuma.io/service: kong}}
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                        """, "networking.inbound", "inbound cannot be defined for delegated gateways"),
                Arguments.of("builtin gateway with outbound", """
                        networking:
                          address: 10.0.0.1
                          gateway: {type: BUILTIN, tags: {kuma.io/service: edge}}
                          outbound: [{port: 33033, tags: {kuma.io/service: web}}]
                        """, "networking.outbound", "outbound cannot be defined for builtin gateways"),
                Arguments.of("gateway without service tag", """
                        networking:
                          address: 10.0.0.1
                          gateway: {tags: {team: edge}}
                        """, "networking.gateway.tags", "mandatory tag \"kuma.io/service\" is missing"),
                Arguments.of("inbound port 0", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 0, tags: {kuma.io/service: web}}]
                        """, "networking.inbound[0].port", "port must be in the range [1, 65535]"),
                Arguments.of("inbound port missing", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{tags: {kuma.io/service: web}}]
                        """, "networking.inbound[0].port", "port must be in the range [1, 65535]"),
                Arguments.of("inbound port too large", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 65536, tags: {kuma.io/service: web}}]
                        """, "networking.inbound[0].port", "port must be in the range [1, 65535]"),
                Arguments.of("servicePort too large", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, servicePort: 70000, tags: {kuma.io/service: web}}]
                        """, "networking.inbound[0].servicePort", "port must be in the range [1, 65535]"),
                Arguments.of("inbound without service tag", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {version: v1}}]
                        """, "networking.inbound[0].tags[\"kuma.io/service\"]", "tag has to exist"),
                Arguments.of("second inbound without tags", """
                        networking:
                          address: 10.0.0.1
                          inbound:
                            - {port: 80, tags: {kuma.io/service: web}}
                            - {port: 81}
                        """, "networking.inbound[1].tags[\"kuma.io/service\"]", "tag has to exist"),
                Arguments.of("tag value with bad characters", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web, version: "v1 beta"}}]
                        """, "networking.inbound[0].tags[\"version\"]",
                        "tag value must consist of alphanumeric characters, dots, dashes and underscores"),
                Arguments.of("empty tag value", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: ""}}]
                        """, "networking.inbound[0].tags[\"kuma.io/service\"]", "tag value must be non-empty"),
                Arguments.of("tag name with bad characters", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web, "bad key!": x}}]
                        """, "networking.inbound[0].tags[\"bad key!\"]",
                        "tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores"),
                Arguments.of("unknown protocol", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web, kuma.io/protocol: smtp}}]
                        """, "networking.inbound[0].tags[\"kuma.io/protocol\"]",
                        "tag \"kuma.io/protocol\" has an invalid value \"smtp\". Allowed values: grpc, http, http2, kafka, tcp"),
                Arguments.of("serviceAddress not an IP", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, serviceAddress: localhost, tags: {kuma.io/service: web}}]
                        """, "networking.inbound[0].serviceAddress", "serviceAddress has to be valid IP address"),
                Arguments.of("service endpoint equals listener", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, serviceAddress: 10.0.0.1, tags: {kuma.io/service: web}}]
                        """, "networking.inbound[0].serviceAddress", "serviceAddress and servicePort has to differ from address and port"),
                Arguments.of("zero probe interval", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}, serviceProbe: {interval: 0s}}]
                        """, "networking.inbound[0].serviceProbe.interval", "must have a positive value"),
                Arguments.of("outbound without tags", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          outbound: [{port: 33033}]
                        """, "networking.outbound[0].tags", "mandatory tag \"kuma.io/service\" is missing"),
                Arguments.of("outbound tags without service", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          outbound: [{port: 33033, tags: {version: v1}}]
                        """, "networking.outbound[0].tags", "mandatory tag \"kuma.io/service\" is missing"),
                Arguments.of("outbound port missing", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          outbound: [{tags: {kuma.io/service: db}}]
                        """, "networking.outbound[0].port", "port must be in the range [1, 65535]"),
                Arguments.of("outbound address is a hostname", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          outbound: [{port: 33033, address: db.local, tags: {kuma.io/service: db}}]
                        """, "networking.outbound[0].address", "address has to be valid IP address"),
                Arguments.of("backendRef with unknown kind", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          outbound: [{port: 33033, backendRef: {kind: Service, name: db, port: 5432}}]
                        """, "networking.outbound[0].backendRef.kind",
                        "invalid value. Available values are: MeshExternalService,MeshMultiZoneService,MeshService"),
                // found by AcceptedResourcesRenderPropertyTest: an empty backendRef made the validator throw (a 500)
                Arguments.of("backendRef without kind", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          outbound: [{port: 33033, backendRef: {}}]
                        """, "networking.outbound[0].backendRef.kind",
                        "invalid value. Available values are: MeshExternalService,MeshMultiZoneService,MeshService"),
                Arguments.of("reachable backend without kind", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          transparentProxying: {reachableBackends: {refs: [{name: db}]}}
                        """, "networking.transparentProxing.reachableBackends.refs[0].kind",
                        "invalid value. Available values are: MeshExternalService,MeshMultiZoneService,MeshService"),
                Arguments.of("backendRef and tags", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                          outbound: [{port: 33033, tags: {kuma.io/service: db}, backendRef: {kind: MeshService, name: db, port: 5432}}]
                        """, "networking.outbound[0].backendRef", "both backendRef and tags/service cannot be defined"),
                Arguments.of("admin port clashes with an inbound on loopback", """
                        networking:
                          address: 10.0.0.1
                          admin: {port: 80}
                          inbound: [{port: 80, address: 127.0.0.1, tags: {kuma.io/service: web}}]
                        """, "networking.admin.port", "must differ from inbound"),
                Arguments.of("envoy not an object", """
                        networking:
                          address: 10.0.0.1
                          inbound: [{port: 80, tags: {kuma.io/service: web}}]
                        envoy: bootstrap
                        """, "envoy", "must be an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDataplanes(String title, String body, String field, String message) {
        String yaml = "type: Dataplane\nmesh: default\nname: dp-1\n" + body;
        assertThat(violations(yaml)).contains(new Violation(field, message));
    }

    @Test
    void everyViolationIsReportedAtOnce() {
        List<Violation> v = violations("""
                type: Dataplane
                mesh: default
                name: dp-1
                networking:
                  inbound:
                    - port: 0
                      tags: {version: v1}
                """);
        assertThat(v).extracting(Violation::field).containsExactlyInAnyOrder(
                "networking.address", "networking.inbound[0].port", "networking.inbound[0].tags[\"kuma.io/service\"]");
    }
}
