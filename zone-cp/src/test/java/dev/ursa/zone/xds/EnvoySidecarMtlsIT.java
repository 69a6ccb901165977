package dev.ursa.zone.xds;

import dev.ursa.cp.pki.MeshCa;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.TlsPeers;
import dev.ursa.testsupport.TlsPeers.Material;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opt-in, for machines with Docker (skipped here: no Docker engine, no Envoy binary): a real Envoy sidecar for
 * backend-1 takes its whole config from the zone's xDS engine over ADS, mesh mTLS on. It must accept every resource
 * (no NACK) including the SDS secrets: a Java client with web-1's certificate of the mesh CA completes a handshake with
 * Envoy's inbound listener and sees backend's SPIFFE ID, and a client of another CA is refused by Envoy.
 */
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
class EnvoySidecarMtlsIT {
    private static final String ENVOY_IMAGE = System.getProperty("ursa.it.envoy-image", "envoyproxy/envoy:v1.31-latest");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final InMemoryStore store = new InMemoryStore();
    private XdsEngine engine;
    private Server server;
    private GenericContainer<?> envoy;

    @AfterEach
    void stop() throws Exception {
        if (envoy != null) envoy.stop();
        if (server != null) server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (engine != null) engine.close();
    }

    @Test
    void envoyAcceptsTheMtlsConfigAndTerminatesMeshTlsWithItsSdsCertificate() throws Exception {
        MeshCa ca = MeshCa.generate("default", 2048, Duration.ofDays(30), Instant.now());
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        EngineOverAds.write(store, secret("default.ca-builtin-cert-ca-1", ca.certificatePem()));
        EngineOverAds.write(store, secret("default.ca-builtin-key-ca-1", ca.keyPem()));
        EngineOverAds.write(store, MeshMtlsOverAdsTest.mesh("ca-1", "STRICT", null));
        EngineOverAds.write(store, """
                type: Dataplane
                mesh: default
                name: backend-1
                networking:
                  address: 0.0.0.0
                  inbound:
                  - port: 8080
                    servicePort: 18080
                    tags: {kuma.io/service: backend}
                """);
        engine = new XdsEngine(store, XdsSettings.defaults("zone-1"), new SimpleMeterRegistry());
        engine.start();
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(engine.ads()).build().start();
        Testcontainers.exposeHostPorts(server.getPort());
        envoy = new GenericContainer<>(ENVOY_IMAGE)
                .withCopyToContainer(Transferable.of(bootstrap(server.getPort())), "/etc/envoy/envoy.yaml")
                .withCommand("envoy", "-c", "/etc/envoy/envoy.yaml", "--log-level", "info")
                .withExposedPorts(8080, 9901);
        envoy.start();
        InetSocketAddress inbound = new InetSocketAddress(envoy.getHost(), envoy.getMappedPort(8080));

        // web-1's material as the zone would issue it: a certificate of the mesh CA with web's SPIFFE ID.
        KeyPair pair = MeshCa.workloadKeyPair();
        Material web = new Material(ca.issue(pair.getPublic(), List.of("spiffe://default/web"), Duration.ofHours(1), Instant.now()),
                pair.getPrivate(), List.of(ca.certificate()));
        Await.until("Envoy terminates mesh TLS on backend-1's inbound", WAIT, () -> handshakes(web, inbound));
        NodeStatus status = engine.status(new NodeId("default", "backend-1")).orElseThrow();
        assertThat(status.nacks()).as("NACKs (last: %s)", status.lastNack()).isZero();

        MeshCa other = MeshCa.generate("default", 2048, Duration.ofDays(1), Instant.now());
        KeyPair otherPair = MeshCa.workloadKeyPair();
        Material outsider = new Material(other.issue(otherPair.getPublic(), List.of("spiffe://default/web"), Duration.ofHours(1), Instant.now()),
                otherPair.getPrivate(), List.of(ca.certificate()));
        assertThatThrownBy(() -> TlsPeers.call(outsider, inbound, null, "spiffe://default/backend"::equals, "x")).isInstanceOf(IOException.class);
    }

    /** Whether a handshake completes and Envoy presents backend's certificate (the app behind it is not needed). */
    private static boolean handshakes(Material client, InetSocketAddress inbound) {
        try (var s = (javax.net.ssl.SSLSocket) client.context().getSocketFactory().createSocket(inbound.getHostString(), inbound.getPort())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return TlsPeers.uris((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).contains("spiffe://default/backend");
        } catch (IOException e) {
            return false;
        }
    }

    private static String bootstrap(int adsPort) {
        return """
                node: {id: default.backend-1, cluster: backend}
                dynamic_resources:
                  ads_config:
                    api_type: GRPC
                    transport_api_version: V3
                    grpc_services: [{envoy_grpc: {cluster_name: ads}}]
                  cds_config: {ads: {}, resource_api_version: V3}
                  lds_config: {ads: {}, resource_api_version: V3}
                static_resources:
                  clusters:
                  - name: ads
                    type: STRICT_DNS
                    connect_timeout: 5s
                    typed_extension_protocol_options:
                      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        explicit_http_config: {http2_protocol_options: {}}
                    load_assignment:
                      cluster_name: ads
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: host.testcontainers.internal, port_value: %d}}}
                admin:
                  address: {socket_address: {address: 0.0.0.0, port_value: 9901}}
                """.formatted(adsPort);
    }

    private static String secret(String name, String pem) {
        return "type: Secret\nmesh: default\nname: " + name + "\ndata: " + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)) + "\n";
    }
}
