package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Json;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.zone.xds.auth.XdsAuthenticator;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Acceptance: real grpc-java xDS clients ({@code xds:///<service>}) calling real gRPC servers registered as Dataplanes
 * of a standalone zone, with policies written through the zone's REST API. All xDS-client tests live in this class:
 * grpc-java reads its bootstrap once per JVM (see {@link XdsTestPort}).
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XdsAcceptanceTest {
    static final String MESH = XdsTestPort.MESH;
    static final NodeId CLIENT = NodeId.parse(XdsTestPort.NODE_ID);

    /**
     * How long a change may take to reach a running client: a correctness bound, generous for a loaded 2-core machine.
     * How fast it really is is measured in benchmarks/ (XdsClientsBenchmark), not here.
     */
    static final Duration CONVERGE = Duration.ofSeconds(30);

    @Inject
    XdsEngine engine;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void mesh() {
        RestAssuredYaml.enable();
        int code = given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode();
        assertThat(code).isIn(200, 201);
    }

    @AfterAll
    void cleanup() throws Exception {
        for (AutoCloseable c : closeables) c.close();
    }

    // ---- helpers

    EchoBackend backend(String name) throws Exception {
        EchoBackend b = new EchoBackend(name);
        closeables.add(b);
        return b;
    }

    /** A grpc-xds channel of node {@link #CLIENT} presenting a dataplane token of the mesh (node metadata). */
    ManagedChannel channel(String service) {
        ManagedChannel ch = XdsChannels.channel(XdsTestPort.port(), XdsTestPort.NODE_ID, TestTokens.dataplane(MESH), service);
        closeables.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return ch;
    }

    static void register(String name, String service, EchoBackend b, Map<String, String> extraTags) {
        StringBuilder tags = new StringBuilder("        kuma.io/service: " + service + "\n        kuma.io/protocol: grpc\n");
        extraTags.forEach((k, v) -> tags.append("        ").append(k).append(": ").append(v).append('\n'));
        String yaml = """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: %d
                      tags:
                %s""".formatted(MESH, name, b.port(), tags);
        int code = given().contentType("application/yaml").body(yaml).put("/meshes/" + MESH + "/dataplanes/" + name).statusCode();
        assertThat(code).as("register %s", name).isIn(200, 201);
    }

    static void apply(String plural, String name, String yaml) {
        int code = given().contentType("application/yaml").body(yaml).put("/meshes/" + MESH + "/" + plural + "/" + name).statusCode();
        assertThat(code).as("apply %s/%s", plural, name).isIn(200, 201);
    }

    static void delete(String plural, String name) {
        given().delete("/meshes/" + MESH + "/" + plural + "/" + name).then().statusCode(200);
    }

    static String retry(String name, String service, int retries) {
        return """
                type: MeshRetry
                mesh: %s
                name: %s
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: %s}
                      default:
                        grpc:
                          numRetries: %d
                          retryOn: [Unavailable]
                """.formatted(MESH, name, service, retries);
    }

    // ---- acceptance

    @Test
    void clientReachesThreeBackendsAndLosesADeletedOneWithoutFailedCalls() throws Exception {
        List<EchoBackend> backends = List.of(backend("a-1"), backend("a-2"), backend("a-3"));
        for (EchoBackend b : backends) register("backend-" + b.name(), "backend", b, Map.of());
        apply("meshretries", "backend-retry", retry("backend-retry", "backend", 3));
        ManagedChannel ch = channel("backend");

        Await.until("calls reach all 3 backends", CONVERGE, () -> {
            EchoBackend.call(ch, "hi", 2000);
            return backends.stream().allMatch(b -> b.calls() > 0);
        });

        Map<String, Integer> spread = new HashMap<>();
        for (int i = 0; i < 300; i++) spread.merge(EchoBackend.call(ch, "hi", 2000), 1, Integer::sum);
        System.out.println("[xds] 300 calls over 3 equal-weight backends: " + spread);
        assertThat(spread).containsOnlyKeys("a-1", "a-2", "a-3");
        spread.values().forEach(n -> assertThat(n).isBetween(70, 130));

        // Call continuously while one Dataplane is deleted (its server keeps running: we watch traffic leave it),
        // then while another is deleted and its server stopped at once (retries cover the race).
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            while (running.get()) {
                try {
                    EchoBackend.call(ch, "hi", 2000);
                    ok.incrementAndGet();
                } catch (RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }
        });
        EchoBackend gone = backends.get(2);
        delete("dataplanes", "backend-a-3");
        // The positive signal first: the zone no longer gives the client a-3's endpoint.
        Await.until("a-3 gone from the client's endpoints", CONVERGE, () -> engine.status(CLIENT).orElseThrow().resources().endpoints()
                .stream().flatMap(cla -> cla.getEndpointsList().stream()).flatMap(l -> l.getLbEndpointsList().stream())
                .noneMatch(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue() == gone.port()));
        // Then the client has applied it: a run of 100 successful calls none of which reached a-3. The run is counted in
        // calls, not time: round robin over the endpoints it holds would send every third call to a-3 while it had it.
        long[] mark = {gone.calls(), ok.get()};
        Await.until("100 calls in a row without a-3", CONVERGE, () -> {
            long a3 = gone.calls();
            if (a3 != mark[0]) {
                mark[0] = a3;
                mark[1] = ok.get();
            }
            return ok.get() - mark[1] >= 100;
        });

        EchoBackend killed = backends.get(1);
        delete("dataplanes", "backend-a-2");
        killed.stop();
        long before = ok.get();
        Await.until("200 more successful calls", CONVERGE, () -> ok.get() > before + 200);
        running.set(false);
        load.get(30, TimeUnit.SECONDS);
        assertThat(failures).isEmpty();
        assertThat(EchoBackend.call(ch, "hi", 2000)).isEqualTo("a-1");
        delete("meshretries", "backend-retry");
    }

    @Test
    void aProxylessClientWithATokenOfAnotherMeshGetsNoConfigAndTheReasonWhileOthersAreServed() throws Exception {
        EchoBackend b = backend("guarded-1");
        register("guarded-1", "guarded", b, Map.of());
        ManagedChannel valid = channel("guarded");
        Await.until("the client with a valid token reaches guarded", CONVERGE, () -> "guarded-1".equals(EchoBackend.call(valid, "hi", 2000)));

        ManagedChannel otherMesh = XdsChannels.channel(XdsTestPort.port(), XdsTestPort.NODE_ID, TestTokens.dataplane("other-mesh"), "guarded");
        closeables.add(() -> otherMesh.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> EchoBackend.call(otherMesh, "hi", 10_000));
        System.out.println("[xds] a grpc-xds client with a token of another mesh: " + refused.getStatus());
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.getStatus().getDescription()).contains("PERMISSION_DENIED", "is for mesh \"other-mesh\"");
        assertThat(b.calls()).as("only the valid client's calls arrived").isPositive();
        assertThat(EchoBackend.call(valid, "hi", 2000)).as("the valid client is still served").isEqualTo("guarded-1");
    }

    @Test
    void meshTimeoutChangesARunningClientLive() throws Exception {
        EchoBackend slow = backend("slow-1");
        register("slow-1", "slow", slow, Map.of());
        ManagedChannel ch = channel("slow");
        Await.until("slow reachable", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals("slow-1"));
        assertThat(EchoBackend.call(ch, "sleep:300", 5000)).isEqualTo("slow-1");

        apply("meshtimeouts", "slow-timeout", """
                type: MeshTimeout
                mesh: %s
                name: slow-timeout
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: slow}
                      default:
                        http:
                          requestTimeout: 100ms
                """.formatted(MESH));
        Await.until("a 300 ms call fails with DEADLINE_EXCEEDED", CONVERGE, () -> {
            try {
                EchoBackend.call(ch, "sleep:300", 5000);
                return false;
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED;
            }
        });
        // The backend answers after 300 ms and the caller allows 5 s: only the 100 ms route timeout can fail the call
        // with DEADLINE_EXCEEDED. How long it took is a benchmark's business, not this test's.
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> EchoBackend.call(ch, "sleep:300", 5000));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

        delete("meshtimeouts", "slow-timeout");
        Await.until("slow call succeeds again", CONVERGE, () -> EchoBackend.call(ch, "sleep:300", 5000).equals("slow-1"));
    }

    @Test
    void meshRetryTurnsOneFailureInThreeIntoFullSuccess() throws Exception {
        EchoBackend flaky = backend("flaky-1");
        flaky.failEvery(3);
        register("flaky-1", "flaky", flaky, Map.of());
        ManagedChannel ch = channel("flaky");
        Await.until("flaky reachable", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals("flaky-1"));
        int failedWithout = 0;
        for (int i = 0; i < 30; i++) {
            try {
                EchoBackend.call(ch, "hi", 2000);
            } catch (StatusRuntimeException e) {
                failedWithout++;
            }
        }
        assertThat(failedWithout).isBetween(8, 12);

        apply("meshretries", "flaky-retry", retry("flaky-retry", "flaky", 2));
        Await.until("10 calls in a row succeed", CONVERGE, () -> {
            for (int i = 0; i < 10; i++) EchoBackend.call(ch, "hi", 2000);
            return true;
        });
        int failed = 0;
        for (int i = 0; i < 300; i++) {
            try {
                EchoBackend.call(ch, "hi", 2000);
            } catch (StatusRuntimeException e) {
                failed++;
            }
        }
        System.out.printf("[xds] without MeshRetry %d/30 calls failed; with it %d/300 failed%n", failedWithout, failed);
        assertThat(failed).isZero();
        delete("meshretries", "flaky-retry");
    }

    @Test
    void meshHttpRouteSplitsNinetyTen() throws Exception {
        EchoBackend v1 = backend("v1");
        EchoBackend v2 = backend("v2");
        register("split-v1", "split", v1, Map.of("version", "v1"));
        register("split-v2", "split", v2, Map.of("version", "v2"));
        ManagedChannel ch = channel("split");
        Await.until("split reachable", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000) != null);
        apply("meshhttproutes", "split-route", """
                type: MeshHTTPRoute
                mesh: %s
                name: split-route
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: split}
                      rules:
                        - matches:
                            - path: {type: PathPrefix, value: /}
                          default:
                            backendRefs:
                              - {kind: MeshServiceSubset, name: split, tags: {version: v1}, weight: 90}
                              - {kind: MeshServiceSubset, name: split, tags: {version: v2}, weight: 10}
                """.formatted(MESH));
        Await.until("the route reaches the client", CONVERGE, () -> engine.status(CLIENT).orElseThrow().resources()
                .clusters().stream().anyMatch(c -> c.getName().equals("split_version=v2")));
        // Let the client pick up the new route: it has arrived once subset clusters serve calls.
        Await.until("subset clusters serve", CONVERGE, () -> {
            Map<String, Integer> m = new HashMap<>();
            for (int i = 0; i < 50; i++) m.merge(EchoBackend.call(ch, "hi", 2000), 1, Integer::sum);
            return m.getOrDefault("v1", 0) > 35;
        });
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        for (int i = 0; i < 1000; i++) counts.merge(EchoBackend.call(ch, "hi", 2000), 1, Integer::sum);
        System.out.println("[xds] MeshHTTPRoute 90/10 over 1000 calls: " + counts);
        assertThat(counts.getOrDefault("v1", 0)).isBetween(850, 950);
        assertThat(counts.getOrDefault("v2", 0)).isBetween(50, 150);
        delete("meshhttproutes", "split-route");
    }

    @Test
    void invalidDataplaneIsRejectedWithCauses() throws Exception {
        String yaml = """
                type: Dataplane
                mesh: %s
                name: broken
                networking:
                  address: "not an address"
                  inbound:
                    - port: 70000
                      tags:
                        kuma.io/service: "bad service!"
                """.formatted(MESH);
        var r = given().contentType("application/yaml").body(yaml).put("/meshes/" + MESH + "/dataplanes/broken");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = Json.JSON.readTree(r.asByteArray());
        List<String> fields = new ArrayList<>();
        body.get("causes").forEach(c -> fields.add(c.get("field").asText()));
        System.out.println("[xds] invalid Dataplane rejected with causes " + fields);
        assertThat(fields).contains("networking.address", "networking.inbound[0].port");
        assertThat(fields).anyMatch(f -> f.startsWith("networking.inbound[0].tags"));
        given().get("/meshes/" + MESH + "/dataplanes/broken").then().statusCode(404);
    }

    @Test
    void malformedNodeIdGetsAClearErrorWhileOtherClientsWork() throws Exception {
        EchoBackend ok = backend("steady-1");
        register("steady-1", "steady", ok, Map.of());
        ManagedChannel good = channel("steady");
        Await.until("steady reachable", CONVERGE, () -> EchoBackend.call(good, "hi", 2000).equals("steady-1"));

        ManagedChannel raw = Grpc.newChannelBuilder("localhost:" + XdsTestPort.port(), InsecureChannelCredentials.create()).build();
        closeables.add(() -> raw.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        StreamObserver<DiscoveryRequest> req = AggregatedDiscoveryServiceGrpc.newStub(raw).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse value) {
                error.completeExceptionally(new AssertionError("a malformed node got config: " + value.getTypeUrl()));
            }

            @Override
            public void onError(Throwable t) {
                error.complete(t);
            }

            @Override
            public void onCompleted() {
                error.completeExceptionally(new AssertionError("stream completed without an error"));
            }
        });
        req.onNext(DiscoveryRequest.newBuilder().setNode(AdsTestClient.node("no-mesh-separator",
                        Map.of(XdsAuthenticator.TOKEN_METADATA_KEY, TestTokens.dataplane(MESH))))
                .setTypeUrl("type.googleapis.com/envoy.config.listener.v3.Listener").build());
        Status status = Status.fromThrowable(error.get(5, TimeUnit.SECONDS));
        System.out.println("[xds] malformed node id answered with " + status);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("no-mesh-separator").contains("<mesh>.<dataplane-name>");
        for (int i = 0; i < 20; i++) assertThat(EchoBackend.call(good, "hi", 2000)).isEqualTo("steady-1");
    }

    @Test
    void nackIsCountedAndTheLastGoodConfigKept() throws Exception {
        EchoBackend b = backend("nack-1");
        register("nack-1", "nack", b, Map.of());
        ManagedChannel ch = channel("nack");
        Await.until("nack reachable", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals("nack-1"));
        double before = nacks();
        // A lookahead is valid Java regex (so the API accepts it) but not RE2: grpc-java rejects the route config.
        apply("meshhttproutes", "bad-regex", """
                type: MeshHTTPRoute
                mesh: %s
                name: bad-regex
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: nack}
                      rules:
                        - matches:
                            - path: {type: RegularExpression, value: "/(?=x).*"}
                          default:
                            backendRefs:
                              - {kind: MeshService, name: nack}
                """.formatted(MESH));
        Await.until("the NACK is counted", CONVERGE, () -> nacks() > before);
        NodeStatus st = engine.status(CLIENT).orElseThrow();
        assertThat(st.lastNack()).contains("RouteConfiguration");
        assertThat(st.nacks()).isPositive();
        for (int i = 0; i < 20; i++) assertThat(EchoBackend.call(ch, "hi", 2000)).isEqualTo("nack-1");

        // No resend loop, shown on one raw ADS stream where order is guaranteed: the zone answers each request of a
        // stream in turn and writes its responses in order, so a resend caused by the NACK would reach the client before
        // the answer to any later request. The later request here subscribes to clusters: its answer arriving first
        // shows the NACK caused no response (a loop would make one per NACK, at once).
        try (AdsTestClient ads = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane(MESH))) {
            AdsTestClient.SotwStream probe = ads.sotw(Node.newBuilder().setId(MESH + ".nack-probe").setUserAgentName("gRPC Java").build());
            probe.request(AdsTestClient.RDS, List.of("nack"));
            DiscoveryResponse routes = probe.next("the nack route configuration", CONVERGE);
            assertThat(routes.getTypeUrl()).isEqualTo(AdsTestClient.RDS);
            probe.nack(routes, List.of("nack"), "rejected by the test: lookahead is not RE2");
            Await.until("the probe's NACK is recorded", CONVERGE,
                    () -> engine.status(NodeId.parse(MESH + ".nack-probe")).map(NodeStatus::nacks).orElse(0L) == 1);
            probe.request(AdsTestClient.CDS, List.of());
            DiscoveryResponse next = probe.next("the answer to the later cluster request", CONVERGE);
            assertThat(next.getTypeUrl()).as("first response after the NACK (a resend would be RouteConfiguration)")
                    .isEqualTo(AdsTestClient.CDS);
            probe.close();
        }
        delete("meshhttproutes", "bad-regex");
        Await.until("calls still work after the fix", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals("nack-1"));
    }

    @Test
    void endpointChangeRecomputesEndpointsOnly() throws Exception {
        EchoBackend one = backend("inc-1");
        register("inc-1", "inc", one, Map.of());
        ManagedChannel ch = channel("inc");
        Await.until("inc reachable", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals("inc-1"));
        NodeStatus before = engine.status(CLIENT).orElseThrow();

        EchoBackend two = backend("inc-2");
        register("inc-2", "inc", two, Map.of());
        Await.until("inc-2 serves", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals("inc-2"));
        NodeStatus after = engine.status(CLIENT).orElseThrow();
        assertThat(after.edsRenders()).isGreaterThan(before.edsRenders());
        assertThat(after.fullRenders()).isEqualTo(before.fullRenders());
        assertThat(after.resources().listenersVersion()).isEqualTo(before.resources().listenersVersion());
        assertThat(after.resources().clustersVersion()).isEqualTo(before.resources().clustersVersion());
        assertThat(after.resources().routesVersion()).isEqualTo(before.resources().routesVersion());
        assertThat(after.resources().endpointsVersion()).isNotEqualTo(before.resources().endpointsVersion());
        assertThat(after.resources().listeners()).isSameAs(before.resources().listeners());
    }

    @Test
    void configAndPoliciesOfADataplaneAreInspectable() throws Exception {
        EchoBackend b = backend("insp-1");
        register("insp-1", "insp", b, Map.of());
        ManagedChannel ch = channel("insp");
        Await.until("insp reachable", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals("insp-1"));
        apply("meshtimeouts", "insp-timeout", """
                type: MeshTimeout
                mesh: %s
                name: insp-timeout
                spec:
                  targetRef: {kind: MeshService, name: insp}
                  from:
                    - targetRef: {kind: Mesh}
                      default: {idleTimeout: 20s}
                """.formatted(MESH));
        String base = "/meshes/" + MESH + "/dataplanes/insp-1";
        Await.until("the policy is seen", CONVERGE, () -> given().get(base + "/_policies").asString().contains("insp-timeout"));
        JsonNode policies = Json.JSON.readTree(given().get(base + "/_policies").then().statusCode(200).extract().asByteArray());
        JsonNode timeout = policies.get("policies").get(0);
        assertThat(timeout.get("type").asText()).isEqualTo("MeshTimeout");
        assertThat(timeout.get("matched").get(0).get("reason").asText()).isEqualTo("targetRef MeshService insp selects inbound insp:" + b.port());

        JsonNode config = Json.JSON.readTree(given().get(base + "/_config").then().statusCode(200).extract().asByteArray());
        assertThat(config.get("flavour").asText()).isEqualTo("envoy");
        assertThat(config.get("listeners").get(0).get("name").asText()).isEqualTo("inbound:127.0.0.1:" + b.port());
        assertThat(config.toString()).contains("\"idleTimeout\":\"20s\"");
        // The resource API's /meshes/{mesh}/{plural}/{name} still answers beside the literal paths.
        given().get(base).then().statusCode(200);
        given().get("/meshes/" + MESH + "/dataplanes/nobody/_config").then().statusCode(404);

        JsonNode client = Json.JSON.readTree(given().get("/meshes/" + MESH + "/dataplanes/grpc-client/_config").then().statusCode(200)
                .extract().asByteArray());
        assertThat(client.get("flavour").asText()).isEqualTo("proxyless");
        assertThat(client.get("connected").asBoolean()).isTrue();
        delete("meshtimeouts", "insp-timeout");
    }

    private static double nacks() {
        String metrics = given().get("/q/metrics").asString();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("ursa_xds_nacks_total{")) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    @Test
    void meshFaultInjectionAbortsAShareOfAProxylessClientsCallsAndStopsWhenDeleted() throws Exception {
        EchoBackend b = backend("faulty-1");
        register("faulty-1", "faulty", b, Map.of());
        ManagedChannel ch = channel("faulty");
        Await.until("faulty reachable", CONVERGE, () -> "faulty-1".equals(EchoBackend.call(ch, "hi", 2000)));

        try {
            apply("meshfaultinjections", "faulty-aborts", """
                    type: MeshFaultInjection
                    mesh: %s
                    name: faulty-aborts
                    spec:
                      targetRef: {kind: MeshService, name: faulty}
                      from:
                        - targetRef: {kind: Mesh}
                          default:
                            http:
                              - abort: {httpStatus: 503, percentage: 50}
                    """.formatted(MESH));
            try {
                Await.until("the client aborts calls", CONVERGE, () -> code(ch) == Status.Code.UNAVAILABLE);
            } catch (AssertionError e) {
                String config = given().get("/meshes/" + MESH + "/dataplanes/" + CLIENT.name() + "/_config").asString();
                throw new AssertionError(e.getMessage() + "; last code " + code(ch) + "; client config: " + config.substring(0, Math.min(6000, config.length())), e);
            }

            long reachedBefore = b.calls();
            int aborted = 0;
            for (int i = 0; i < 200; i++) {
                Status.Code c = code(ch);
                assertThat(c).as("call %d", i).isIn(Status.Code.OK, Status.Code.UNAVAILABLE);
                if (c == Status.Code.UNAVAILABLE) aborted++;
            }
            // 50 % of 200: a binomial's standard deviation is about 7 calls, so 60..140 is more than 5 of them either side
            assertThat(aborted).as("aborted of 200").isBetween(60, 140);
            // the aborts happen in the client (gRPC's fault filter): the backend saw exactly the calls that were not aborted
            assertThat(b.calls() - reachedBefore).isEqualTo(200 - aborted);

            delete("meshfaultinjections", "faulty-aborts");
            Await.until("20 calls in a row succeed after the policy is gone", CONVERGE, () -> {
                for (int i = 0; i < 20; i++) if (code(ch) != Status.Code.OK) return false;
                return true;
            });
            for (int i = 0; i < 100; i++) assertThat(code(ch)).as("call %d without the policy", i).isEqualTo(Status.Code.OK);
        } finally {
            given().delete("/meshes/" + MESH + "/meshfaultinjections/faulty-aborts"); // gone also when a check failed
        }
    }

    private static Status.Code code(ManagedChannel ch) {
        try {
            EchoBackend.call(ch, "hi", 2000);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

}
