package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.mesh.crosszone.CrossZoneNames;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.testsupport.XdsBootstrap;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Global + zone-1 + zone-2 (memory stores), an ingress process in each zone, gRPC backends in this JVM registered as
 * Dataplanes of zone-2 only. Checks the inventory zone-1 receives over KDS, both routing paths through zone-2's
 * ingress (h2c authority, TLS SNI passthrough), scaling, and an ingress restart. The tests build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossZoneIngressIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);

    UrsaProcess global;
    final Map<String, UrsaProcess> zones = new LinkedHashMap<>();
    final Map<String, Integer> xdsPorts = new HashMap<>();
    final Map<String, Integer> ingressPorts = new HashMap<>();
    final Map<String, Integer> ingressHttpPorts = new HashMap<>();
    final Map<String, UrsaProcess> ingresses = new LinkedHashMap<>();
    /** One token per ingress, kept across its restarts (a restarted gateway presents the same identity). */
    final Map<String, Path> ingressTokens = new HashMap<>();
    final List<EchoBackend> backends = new ArrayList<>();
    SelfSignedCertificate cert;

    @BeforeAll
    void start() throws Exception {
        int kds = UrsaProcess.freePort();
        global = UrsaProcess.start("xz-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kds)));
        assertThat(Http.putYaml(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null).status()).isBetween(200, 201);
        for (String zone : List.of("zone-1", "zone-2")) {
            xdsPorts.put(zone, UrsaProcess.freePort());
            Map<String, String> props = new HashMap<>(ZoneKds.props(global.baseUrl(), zone, kds));
            props.put("ursa.zone.kds.backoff-max", "1s");
            props.put("ursa.xds.allow-unregistered-clients", "true"); // the proxyless client default.client-zone-1 has no Dataplane
            props.put("quarkus.grpc.server.port", Integer.toString(xdsPorts.get(zone)));
            zones.put(zone, UrsaProcess.start("xz-" + zone, "zone-cp", props));
        }
        for (String zone : zones.keySet()) {
            ingressPorts.put(zone, UrsaProcess.freePort());
            ingressHttpPorts.put(zone, UrsaProcess.freePort());
            startIngress(zone);
        }
        Await.until("mesh default at zone-2", WAIT, () -> Http.get(zoneUrl("zone-2") + "/meshes/default").status() == 200);
        cert = new SelfSignedCertificate(CrossZoneNames.sni("default", "secure"));
    }

    void startIngress(String zone) throws IOException, InterruptedException {
        Path token = ingressTokens.get(zone);
        if (token == null) ingressTokens.put(zone, token = XdsTokens.ingressTokenFile(zoneUrl(zone), "xz-ingress-" + zone));
        ingresses.put(zone, CrossZone.startIngress("xz-ingress-" + zone, zone, token, xdsPorts.get(zone), ingressPorts.get(zone), ingressHttpPorts.get(zone)));
    }

    @AfterAll
    void stop() throws Exception {
        for (UrsaProcess p : ingresses.values()) p.close();
        for (UrsaProcess z : zones.values()) z.close();
        if (global != null) global.close();
        for (EchoBackend b : backends) b.close();
        if (cert != null) cert.delete();
    }

    String zoneUrl(String zone) {
        return zones.get(zone).baseUrl();
    }

    EchoBackend backend(String name, boolean tls) throws IOException {
        EchoBackend b = tls ? new EchoBackend(name, cert.certificate(), cert.privateKey()) : new EchoBackend(name);
        backends.add(b);
        return b;
    }

    void registerInZone2(String name, String service, int port) throws Exception {
        Http.Reply r = Http.putYaml(zoneUrl("zone-2") + "/meshes/default/dataplanes/" + name, """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags:
                      kuma.io/service: %s
                      kuma.io/protocol: grpc
                """.formatted(name, port, service), null);
        assertThat(r.status()).as(r.body()).isBetween(200, 201);
    }

    /** Instances of {@code service} that zone-1 sees offered by zone-2's ingress; -1 when zone-1 has no such ZoneIngress. */
    int zone1SeesInstances(String service) throws Exception {
        return CrossZone.offeredInstances(zoneUrl("zone-1"), "zone-2", service);
    }

    ManagedChannel h2c(String zone) {
        return NettyChannelBuilder.forAddress("127.0.0.1", ingressPorts.get(zone)).usePlaintext().overrideAuthority("backend").build();
    }

    static String call(ManagedChannel ch) {
        return call(ch, "");
    }

    static String call(ManagedChannel ch, String request) {
        return EchoBackend.call(ch, request, 2000);
    }

    @Test
    @Order(1)
    void zone1ReceivesZone2IngressWithOneBackendInstance() throws Exception {
        registerInZone2("backend-1", "backend", backend("backend-1", false).port());
        Await.until("zone-1 sees zone-2's ingress offering 1 backend instance", WAIT, () -> zone1SeesInstances("backend") == 1);
        JsonNode zi = null;
        for (JsonNode item : JSON.readTree(Http.get(zoneUrl("zone-1") + "/zoneingresses").body()).path("items")) {
            if ("zone-2".equals(item.path("zone").asText())) zi = item;
        }
        assertThat(zi).isNotNull();
        assertThat(zi.path("networking").path("advertisedAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(zi.path("networking").path("advertisedPort").asInt()).isEqualTo(ingressPorts.get("zone-2"));
        assertThat(zi.path("availableServices").get(0).path("mesh").asText()).isEqualTo("default");
    }

    @Test
    @Order(2)
    void h2cAuthorityThroughZone2IngressReachesTheBackend() throws Exception {
        ManagedChannel ch = h2c("zone-2");
        try {
            Await.until("zone-2's ingress routes authority backend", WAIT, () -> call(ch).equals("backend-1"));
            for (int i = 0; i < 50; i++) assertThat(call(ch)).isEqualTo("backend-1");
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    @Order(3)
    void tlsSniIsPassedThroughToATlsBackend() throws Exception {
        String sni = CrossZoneNames.sni("default", "secure");
        registerInZone2("secure-1", "secure", backend("secure-1", true).port());
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", ingressPorts.get("zone-2")).overrideAuthority(sni)
                .sslContext(GrpcSslContexts.forClient().trustManager(cert.cert()).build()).build();
        try {
            // Only the backend holds the key: a handshake that verifies its certificate went through unterminated.
            Await.until("TLS call with SNI " + sni + " through zone-2's ingress", WAIT, () -> call(ch).equals("secure-1"));
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void scalingTheBackendChangesTheAdvertisedInstancesWithinTwoSeconds() throws Exception {
        long t0 = System.nanoTime();
        registerInZone2("backend-2", "backend", backend("backend-2", false).port());
        Await.until("2 instances at zone-1", WAIT, () -> zone1SeesInstances("backend") == 2);
        Duration up = Duration.ofNanos(System.nanoTime() - t0);
        long t1 = System.nanoTime();
        assertThat(Http.delete(zoneUrl("zone-2") + "/meshes/default/dataplanes/backend-2").status()).isEqualTo(200);
        Await.until("1 instance at zone-1", WAIT, () -> zone1SeesInstances("backend") == 1);
        Duration down = Duration.ofNanos(System.nanoTime() - t1);
        System.out.printf("inventory propagation zone-2 Dataplane -> zone-1 ZoneIngress: scale up %d ms, scale down %d ms%n", up.toMillis(), down.toMillis());
        assertThat(up).isLessThan(Duration.ofSeconds(2));
        assertThat(down).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    @Order(5)
    void killedIngressServesAgainWithinThreeSecondsOfItsRestart() throws Exception {
        ingresses.get("zone-2").kill();
        long spawned = System.nanoTime();
        startIngress("zone-2"); // returns once ready: it has its routing table from the zone CP
        long ready = System.nanoTime();
        ManagedChannel ch = h2c("zone-2");
        try {
            Await.until("calls through the restarted ingress", WAIT, () -> call(ch).equals("backend-1"));
            long ok = System.nanoTime();
            System.out.printf("ingress restart: process ready %d ms after spawn, first call ok %d ms after ready%n",
                    (ready - spawned) / 1_000_000, (ok - ready) / 1_000_000);
            assertThat(Duration.ofNanos(ok - ready)).isLessThan(Duration.ofSeconds(3));
            for (int i = 0; i < 20; i++) assertThat(call(ch)).isEqualTo("backend-1");
        } finally {
            ch.shutdownNow();
        }
        assertThat(zone1SeesInstances("backend")).as("the ZoneIngress stayed through the restart").isEqualTo(1);
    }

    @Test
    @Order(6)
    void proxylessClientInZone1ReachesTheBackendThroughZone2Ingress() throws Exception {
        // This class runs in its own JVM (failsafe reuseForks=false): grpc-xds reads this bootstrap once per JVM. The
        // dataplane token is the global's: zone-1 trusts it through the TokenTrust the global publishes over KDS.
        XdsBootstrap.install(XdsBootstrap.withToken("127.0.0.1:" + xdsPorts.get("zone-1"), "default.client-zone-1",
                XdsTokens.dataplane(global.baseUrl(), "default")));
        ManagedChannel ch = Grpc.newChannelBuilder("xds:///backend", InsecureChannelCredentials.create()).build();
        try {
            Await.until("zone-1 client reaches backend", WAIT, () -> call(ch).equals("backend-1"));
            // What zone-1 gave the client for backend: zone-2's ingress (its advertised address) and nothing else, in
            // particular not backend-1's own address.
            Map<String, List<String>> eds = CrossZone.endpointsAt(zoneUrl("zone-1"), "client-zone-1", "backend");
            assertThat(eds).as("localities of backend in the zone-1 client's EDS").containsOnlyKeys("zone-2");
            assertThat(eds.get("zone-2")).containsExactly("127.0.0.1:" + ingressPorts.get("zone-2"));
            assertThat(eds.get("zone-2")).doesNotContain("127.0.0.1:" + backends.getFirst().port());

            // What the calls did: each carries a 4 KiB request, and zone-2's ingress relayed at least that much (plus
            // framing) for every one of them; a call that went another way would add nothing to its count.
            String request = "x".repeat(4096);
            String ingressUrl = "http://127.0.0.1:" + ingressHttpPorts.get("zone-2");
            long before = CrossZone.ingressBytesIn(ingressUrl, "backend");
            int ok = 0;
            for (int i = 0; i < 200; i++) {
                if (call(ch, request).equals("backend-1")) ok++;
            }
            assertThat(ok).as("successful calls out of 200").isEqualTo(200);
            assertThat(CrossZone.ingressBytesIn(ingressUrl, "backend") - before).as("request bytes relayed by zone-2's ingress")
                    .isGreaterThanOrEqualTo(200 * CrossZone.leastRequestBytes(request.length()));
        } finally {
            ch.shutdownNow();
        }
    }

    // The 2:1 split between zone-2 and zone-3 through their ingresses, and failover: CrossZoneFailoverIT.
}
