package dev.ursa.it;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.cp.pki.MeshCa;
import dev.ursa.mesh.crosszone.CrossZoneNames;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.TlsPeers;
import dev.ursa.testsupport.TlsPeers.Material;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mesh mTLS across zones on real processes: global, zone-1, zone-2 and zone-2's ingress gateway. The mesh's CA is set
 * at the global and reaches both zones over KDS; web-1 (zone-1) and backend-1 (zone-2) are sidecars on raw ADS streams
 * to their zone CPs, and Java TLS peers use exactly the certificates, trust bundles, SNI and SAN checks those streams
 * hand out (Envoy cannot run here). A call from web-1 goes to zone-2's ingress with the cross-zone SNI, is passed
 * through unterminated and is mutually authenticated by backend-1 itself; a client of another CA is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshMtlsCrossZoneIT {
    static final Duration WAIT = Duration.ofSeconds(45);
    static final String SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    static final List<String> SECRETS = List.of("identity_cert:secret:default", "mesh_ca:secret:default");

    UrsaProcess global;
    final Map<String, UrsaProcess> zones = new LinkedHashMap<>();
    final Map<String, Integer> xdsPorts = new ConcurrentHashMap<>();
    UrsaProcess ingress;
    int ingressPort;
    int backendPort;
    final List<AutoCloseable> closing = new ArrayList<>();
    Sidecar web;
    Sidecar backend;
    TlsPeers.Server backendServer;

    @BeforeAll
    void start() throws Exception {
        int kds = UrsaProcess.freePort();
        global = UrsaProcess.start("mtls-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kds)));
        put(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n");
        MeshCa ca = MeshCa.generate("default", 2048, Duration.ofDays(365), Instant.now());
        put(global.baseUrl() + "/meshes/default/secrets/default.ca-builtin-cert-ca-1", secret("default.ca-builtin-cert-ca-1", ca.certificatePem()));
        put(global.baseUrl() + "/meshes/default/secrets/default.ca-builtin-key-ca-1", secret("default.ca-builtin-key-ca-1", ca.keyPem()));
        put(global.baseUrl() + "/meshes/default", """
                type: Mesh
                name: default
                mtls:
                  enabledBackend: ca-1
                  backends:
                    - name: ca-1
                      type: builtin
                """);
        for (String zone : List.of("zone-1", "zone-2")) {
            xdsPorts.put(zone, UrsaProcess.freePort());
            Map<String, String> props = new java.util.HashMap<>(ZoneKds.props(global.baseUrl(), zone, kds));
            props.put("quarkus.grpc.server.port", Integer.toString(xdsPorts.get(zone)));
            zones.put(zone, UrsaProcess.start("mtls-" + zone, "zone-cp", props));
        }
        ingressPort = UrsaProcess.freePort();
        ingress = UrsaProcess.start("mtls-ingress-zone-2", "ingress-gateway", UrsaProcess.freePort(), Map.of(
                "ursa.ingress.name", "ingress-zone-2",
                "ursa.ingress.token-file", XdsTokens.ingressTokenFile(zoneUrl("zone-2"), "mtls-ingress").toString(),
                "ursa.ingress.zone-cp-address", "grpc://127.0.0.1:" + xdsPorts.get("zone-2"),
                "ursa.ingress.port", Integer.toString(ingressPort),
                "ursa.ingress.advertised-address", "127.0.0.1",
                "ursa.ingress.advertised-port", Integer.toString(ingressPort)));
        backendPort = UrsaProcess.freePort();
        Await.until("mesh default with its CA at both zones", WAIT, () -> Http.get(zoneUrl("zone-1") + "/meshes/default").body().contains("ca-1")
                && Http.get(zoneUrl("zone-2") + "/meshes/default").body().contains("ca-1"));
        put(zoneUrl("zone-2") + "/meshes/default/dataplanes/backend-1", """
                type: Dataplane
                mesh: default
                name: backend-1
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags: {kuma.io/service: backend}
                """.formatted(backendPort));
        put(zoneUrl("zone-1") + "/meshes/default/dataplanes/web-1", """
                type: Dataplane
                mesh: default
                name: web-1
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags: {kuma.io/service: web}
                  outbound:
                  - port: 10001
                    tags: {kuma.io/service: backend}
                """.formatted(UrsaProcess.freePort()));
        backend = new Sidecar("zone-2", "backend-1", List.of());
        web = new Sidecar("zone-1", "web-1", List.of("backend"));
    }

    @AfterAll
    void stop() throws Exception {
        if (backendServer != null) backendServer.close();
        for (AutoCloseable c : closing.reversed()) c.close();
        if (ingress != null) ingress.close();
        for (UrsaProcess z : zones.values()) z.close();
        if (global != null) global.close();
    }

    @Test
    @Order(1)
    void bothZonesIssueCertificatesOfTheGlobalsCa() throws Exception {
        Material b = backend.material();
        Material w = web.material();
        assertThat(b.uris()).contains("spiffe://default/backend");
        assertThat(w.uris()).contains("spiffe://default/web");
        assertThat(w.trusted()).isEqualTo(b.trusted()).hasSize(1);
        w.certificate().verify(b.trusted().get(0).getPublicKey());
        b.certificate().verify(w.trusted().get(0).getPublicKey());
    }

    @Test
    @Order(2)
    void aCrossZoneCallIsMutuallyAuthenticatedEndToEndThroughTheIngress() throws Exception {
        backendServer = new TlsPeers.Server(backend.material(), backendPort);
        UpstreamTlsContext crossZone = web.crossZoneTls("backend");
        assertThat(crossZone.getSni()).isEqualTo(CrossZoneNames.sni("default", "backend"));
        String san = crossZone.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
                .getMatchTypedSubjectAltNames(0).getMatcher().getExact();
        assertThat(san).isEqualTo("spiffe://default/backend");
        InetSocketAddress viaIngress = web.crossZoneEndpoint("backend");
        assertThat(viaIngress.getPort()).isEqualTo(ingressPort);
        Material client = web.material();
        // The ingress learns backend-1 from its zone CP: retry until it routes the SNI, then every call must succeed.
        Await.until("a call through zone-2's ingress", WAIT, () -> {
            try {
                return TlsPeers.call(client, viaIngress, crossZone.getSni(), san::equals, "hello").equals("spiffe://default/backend hello");
            } catch (IOException e) {
                return false;
            }
        });
        for (int i = 0; i < 20; i++) {
            assertThat(TlsPeers.call(client, viaIngress, crossZone.getSni(), san::equals, "call " + i)).isEqualTo("spiffe://default/backend call " + i);
        }
        // backend-1 itself saw web-1's certificate: the TLS session was not terminated in the middle.
        assertThat(backendServer.clients).isNotEmpty().allSatisfy(c -> assertThat(c).contains("spiffe://default/web"));
    }

    @Test
    @Order(3)
    void aClientWithACertificateOfAnotherCaIsRefusedByTheDestination() throws Exception {
        MeshCa other = MeshCa.generate("default", 2048, Duration.ofDays(1), Instant.now());
        KeyPair pair = MeshCa.workloadKeyPair();
        Material client = web.material();
        Material outsider = new Material(other.issue(pair.getPublic(), List.of("spiffe://default/web"), Duration.ofHours(1), Instant.now()),
                pair.getPrivate(), client.trusted());
        int before = backendServer.clients.size();
        String sni = CrossZoneNames.sni("default", "backend");
        assertThatThrownBy(() -> TlsPeers.call(outsider, web.crossZoneEndpoint("backend"), sni, "spiffe://default/backend"::equals, "x"))
                .isInstanceOf(IOException.class);
        assertThat(backendServer.clients).hasSize(before);
    }

    String zoneUrl(String zone) {
        return zones.get(zone).baseUrl();
    }

    static void put(String url, String yaml) throws Exception {
        Http.Reply r = Http.putYaml(url, yaml, null);
        assertThat(r.status()).as("%s: %s", url, r.body()).isBetween(200, 201);
    }

    static String secret(String name, String pem) {
        return "type: Secret\nmesh: default\nname: " + name + "\ndata: " + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)) + "\n";
    }

    /** A sidecar's ADS stream (with its dataplane token): clusters, endpoints of its outbounds, its SDS secrets; ACKs all. */
    final class Sidecar implements StreamObserver<DiscoveryResponse>, AutoCloseable {
        private final ManagedChannel channel;
        private final StreamObserver<DiscoveryRequest> requests;
        private final Node node;
        private final List<String> services;
        private final Map<String, DiscoveryResponse> latest = new ConcurrentHashMap<>();

        Sidecar(String zone, String name, List<String> services) throws Exception {
            this.services = services;
            node = Node.newBuilder().setId("default." + name).build();
            channel = Grpc.newChannelBuilder("127.0.0.1:" + xdsPorts.get(zone), InsecureChannelCredentials.create()).build();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + XdsTokens.dataplane(zoneUrl(zone), "default"));
            requests = AggregatedDiscoveryServiceGrpc.newStub(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
                    .streamAggregatedResources(this);
            synchronized (this) {
                send(CDS, List.of(), "", "");
                if (!services.isEmpty()) send(EDS, services, "", "");
                send(SDS, SECRETS, "", "");
            }
            closing.add(this);
        }

        private void send(String type, List<String> names, String version, String nonce) {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                    .setVersionInfo(version).setResponseNonce(nonce).build());
        }

        @Override
        public synchronized void onNext(DiscoveryResponse r) {
            List<String> names = r.getTypeUrl().equals(SDS) ? SECRETS : r.getTypeUrl().equals(EDS) ? services : List.of();
            send(r.getTypeUrl(), names, r.getVersionInfo(), r.getNonce());
            latest.put(r.getTypeUrl(), r);
        }

        @Override
        public void onError(Throwable t) {
            latest.put("error", DiscoveryResponse.newBuilder().setVersionInfo(t.toString()).build());
        }

        @Override
        public void onCompleted() {
        }

        DiscoveryResponse await(String type) throws Exception {
            Await.until(node.getId() + " receives " + type + " (stream error: " + latest.get("error") + ")", WAIT, () -> latest.containsKey(type));
            return latest.get(type);
        }

        Material material() throws Exception {
            String cert = null;
            String key = null;
            String trusted = null;
            for (Any a : await(SDS).getResourcesList()) {
                Secret s = a.unpack(Secret.class);
                if (s.hasTlsCertificate()) {
                    cert = s.getTlsCertificate().getCertificateChain().getInlineBytes().toStringUtf8();
                    key = s.getTlsCertificate().getPrivateKey().getInlineBytes().toStringUtf8();
                } else {
                    trusted = s.getValidationContext().getTrustedCa().getInlineBytes().toStringUtf8();
                }
            }
            return Material.of(cert, key, trusted);
        }

        UpstreamTlsContext crossZoneTls(String service) throws Exception {
            for (Any a : await(CDS).getResourcesList()) {
                Cluster c = a.unpack(Cluster.class);
                if (c.getName().equals(service)) {
                    return c.getTransportSocketMatches(0).getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
                }
            }
            throw new AssertionError("no cluster " + service);
        }

        /** The endpoint of {@code service} in another zone (its ingress), once the zone knows it. */
        InetSocketAddress crossZoneEndpoint(String service) throws Exception {
            InetSocketAddress[] found = new InetSocketAddress[1];
            Await.until(node.getId() + " gets a cross-zone endpoint of " + service, WAIT, () -> {
                DiscoveryResponse eds = latest.get(EDS);
                if (eds == null) return false;
                for (Any a : eds.getResourcesList()) {
                    ClusterLoadAssignment cla = unpack(a);
                    for (LocalityLbEndpoints l : cla.getEndpointsList()) {
                        if (!l.getLocality().getZone().equals("zone-2")) continue;
                        for (LbEndpoint e : l.getLbEndpointsList()) {
                            var sa = e.getEndpoint().getAddress().getSocketAddress();
                            found[0] = new InetSocketAddress(sa.getAddress(), sa.getPortValue());
                        }
                    }
                }
                return found[0] != null;
            });
            return found[0];
        }

        private static ClusterLoadAssignment unpack(Any a) {
            try {
                return a.unpack(ClusterLoadAssignment.class);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public synchronized void close() {
            requests.onCompleted();
            channel.shutdownNow();
        }
    }
}
