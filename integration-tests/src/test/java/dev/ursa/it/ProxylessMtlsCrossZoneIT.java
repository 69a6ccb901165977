package dev.ursa.it;

import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.CallerIdentityEcho;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.testsupport.Traffic;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proxyless gRPC over mesh mTLS across zones, on real processes: global, zone-1, zone-2, zone-2's ingress, and an
 * ursa-agent per workload. backend (zone-2) is a grpc-java {@code XdsServerBuilder} server, frontend (zone-1) a
 * grpc-java {@code xds:///backend} client; both take their TLS, SNI, SAN checks and RBAC from their zone CPs and their
 * certificates from their agents. The call crosses zone-2's ingress with TLS end to end (the server sees the client's
 * certificate); certificates rotate every few seconds and the mesh switches CA under a steady call loop without a
 * failed call; MeshTrafficPermission at the global flips new calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxylessMtlsCrossZoneIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String MESH_CA_1 = """
            type: Mesh
            name: default
            mtls:
              enabledBackend: ca-1
              backends:
                - name: ca-1
                  type: builtin
                  dpCert:
                    rotation: {expiration: 20s}
            """;

    UrsaProcess global;
    final Map<String, UrsaProcess> zones = new LinkedHashMap<>();
    final Map<String, Integer> xdsPorts = new HashMap<>();
    UrsaProcess ingress;
    AgentProcess backendAgent;
    AgentProcess frontendAgent;
    Server backend;
    ManagedChannel channel;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        int kds = UrsaProcess.freePort();
        global = UrsaProcess.start("pmtls-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kds)));
        put(global.baseUrl() + "/meshes/default", MESH_CA_1);
        for (String zone : List.of("zone-1", "zone-2")) {
            xdsPorts.put(zone, UrsaProcess.freePort());
            Map<String, String> props = new HashMap<>(ZoneKds.props(global.baseUrl(), zone, kds));
            props.put("quarkus.grpc.server.port", Integer.toString(xdsPorts.get(zone)));
            zones.put(zone, UrsaProcess.start("pmtls-" + zone, "zone-cp", props));
        }
        int ingressPort = UrsaProcess.freePort();
        ingress = UrsaProcess.start("pmtls-ingress-zone-2", "ingress-gateway", UrsaProcess.freePort(), Map.of(
                "ursa.ingress.name", "ingress-zone-2",
                "ursa.ingress.token-file", XdsTokens.ingressTokenFile(zoneUrl("zone-2"), "pmtls-ingress").toString(),
                "ursa.ingress.zone-cp-address", "grpc://127.0.0.1:" + xdsPorts.get("zone-2"),
                "ursa.ingress.port", Integer.toString(ingressPort),
                "ursa.ingress.advertised-address", "127.0.0.1",
                "ursa.ingress.advertised-port", Integer.toString(ingressPort)));

        int backendPort = UrsaProcess.freePort();
        backendAgent = AgentProcess.start("default.backend-1", xdsPorts.get("zone-2"), XdsTokens.dataplane(zoneUrl("zone-2"), "default"),
                dataplane("backend-1", "backend", backendPort), Duration.ofSeconds(2));
        frontendAgent = AgentProcess.start("default.frontend-1", xdsPorts.get("zone-1"), XdsTokens.dataplane(zoneUrl("zone-1"), "default"),
                dataplane("frontend-1", "frontend", UrsaProcess.freePort()), Duration.ofSeconds(2));

        backend = XdsServerBuilder.forPort(backendPort, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .overrideBootstrapForTest(backendAgent.bootstrap())
                .addService(CallerIdentityEcho.service()).build().start();
        String scheme = "xds-pmtls";
        NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, frontendAgent.bootstrap()));
        channel = Grpc.newChannelBuilder(scheme + ":///backend", XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) channel.shutdownNow();
        if (backend != null) backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (AutoCloseable c : closing.reversed()) c.close();
        for (AutoCloseable a : new AutoCloseable[]{frontendAgent, backendAgent, ingress}) if (a != null) a.close();
        for (UrsaProcess z : zones.values()) z.close();
        if (global != null) global.close();
    }

    @Test
    @Order(1)
    void aCrossZoneCallIsMutualTlsEndToEndThroughTheIngress() throws Exception {
        // zone-1 learns backend from zone-2's ingress; the call then crosses it with TLS and the cross-zone SNI
        Await.until("a call from zone-1 to backend in zone-2", WAIT, () -> code(channel) == Status.Code.OK);
        assertThat(EchoBackend.call(channel, "hello")).isEqualTo("spiffe://default/frontend hello");
        assertThat(Http.get(zoneUrl("zone-1") + "/meshes/default/dataplanes").body()).doesNotContain("\"backend-1\"");
        // the ingress relayed it (it holds no certificate: the handshake was backend's own, as the answer shows)
        assertThat(Http.getText("http://127.0.0.1:" + ingress.httpPort() + "/q/metrics").body()).contains("ursa_ingress_connections_total");

        // backend's listener requires TLS: plaintext through the same ingress gets nowhere
        ManagedChannel plain = Grpc.newChannelBuilder("127.0.0.1:" + backend.getPort(), InsecureChannelCredentials.create()).build();
        try {
            assertThatThrownBy(() -> EchoBackend.call(plain, "x")).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            plain.shutdownNow();
        }
    }

    @Test
    @Order(2)
    void certificatesRotateAndTheMeshSwitchesCaWithoutAFailedCall() throws Exception {
        Await.until("calls succeed", WAIT, () -> code(channel) == Status.Code.OK);
        String firstIssuer = backendAgent.health().path("certificate").path("issuerId").asText();
        Set<String> backendCerts = new HashSet<>();
        Set<String> frontendCerts = new HashSet<>();
        try (Traffic traffic = new Traffic(channel)) {
            long from = System.nanoTime();
            // 20 s certificates renew every 12-16 s: wait for two renewals on each side (three certificates seen)
            Await.until("two renewals of each workload's certificate", Duration.ofSeconds(90), () ->
                    seen(backendAgent, backendCerts) >= 3 && seen(frontendAgent, frontendCerts) >= 3);

            // Kuma allows one backend: a switch replaces it; the old CA stays trusted until the global retires its Secrets
            put(global.baseUrl() + "/meshes/default", MESH_CA_1.replace("ca-1", "ca-2"));
            Await.until("both workloads hold certificates of the new CA", Duration.ofSeconds(120), () -> {
                String b = backendAgent.health().path("certificate").path("issuerId").asText();
                String f = frontendAgent.health().path("certificate").path("issuerId").asText();
                return !b.isEmpty() && !b.equals(firstIssuer) && b.equals(f);
            });
            traffic.awaitCalls(20, Duration.ofSeconds(30));
            assertThat(traffic.failuresSince(from)).as("failed calls across rotations and the CA switch: %s", traffic.errorsSince(from)).isZero();
            assertThat(traffic.since(from)).hasSizeGreaterThan(50);
        }
    }

    @Test
    @Order(3)
    void trafficPermissionsAtTheGlobalFlipNewCallsWithinSeconds() throws Exception {
        Await.until("calls succeed", WAIT, () -> code(channel) == Status.Code.OK);
        long t0 = System.nanoTime();
        put(global.baseUrl() + "/meshes/default/meshtrafficpermissions/backend-callers", permission("Deny"));
        Await.until("new calls denied", Duration.ofSeconds(15), () -> code(channel) == Status.Code.PERMISSION_DENIED);
        Duration denied = Duration.ofNanos(System.nanoTime() - t0);
        t0 = System.nanoTime();
        put(global.baseUrl() + "/meshes/default/meshtrafficpermissions/backend-callers", permission("Allow"));
        Await.until("new calls allowed", Duration.ofSeconds(15), () -> code(channel) == Status.Code.OK);
        Duration allowed = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(List.of(denied, allowed)).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(15)));
    }

    // ---- helpers

    /** Adds the agent's current certificate (by its expiry) to {@code seen}; returns how many it has held so far. */
    private static int seen(AgentProcess agent, Set<String> seen) {
        String notAfter = agent.health().path("certificate").path("notAfter").asText("");
        if (!notAfter.isEmpty()) seen.add(notAfter);
        return seen.size();
    }

    private static Status.Code code(ManagedChannel channel) {
        try {
            EchoBackend.call(channel, "probe", 2000);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static String permission(String action) {
        return """
                type: MeshTrafficPermission
                mesh: default
                name: backend-callers
                spec:
                  targetRef: {kind: MeshService, name: backend}
                  from:
                    - targetRef: {kind: MeshService, name: frontend}
                      default: {action: %s}
                """.formatted(action);
    }

    private static String dataplane(String name, String service, int port) {
        return """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: %d
                      tags: {kuma.io/service: %s, kuma.io/protocol: grpc}
                """.formatted(name, port, service);
    }

    String zoneUrl(String zone) {
        return zones.get(zone).baseUrl();
    }

    static void put(String url, String yaml) throws Exception {
        Http.Reply r = Http.putYaml(url, yaml, null);
        assertThat(r.status()).as("%s: %s", url, r.body()).isBetween(200, 201);
    }
}
