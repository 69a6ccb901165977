package dev.ursa.zone.xds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.testsupport.Traffic;
import dev.ursa.zone.xds.auth.XdsAuthenticator;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-zone endpoints and failover as a real grpc-java xDS client sees them, in one zone app ({@code test-zone}).
 * Other zones exist only as data: ZoneIngress resources written straight into this zone's store, as KDS writes them
 * when the global relays other zones' ingresses. Each one advertises the address of a real gRPC server in this JVM
 * that stands in for that zone's ingress and its backends together (it answers with the zone's name). This is a
 * stand-in on purpose: the real ingress gateway is built in parallel; the multi-process ITs use real ingresses.
 *
 * <p>Lives in the same JVM as {@link XdsAcceptanceTest} and shares its bootstrap (grpc-java reads it once per JVM): same
 * mesh and node id, its own service names.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossZoneFailoverTest {
    static final String MESH = XdsTestPort.MESH;

    /**
     * How long traffic may take to move after a change: a correctness bound ("it converges"), generous for a loaded
     * 2-core machine. How fast failover is was measured by earlier versions of this class (docs/failover.md); a wall
     * clock assertion here would be a benchmark that fails when the machine is busy.
     */
    static final Duration CONVERGE = Duration.ofSeconds(30);

    @Inject
    ResourceStore store;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> applied = new ArrayList<>();

    @BeforeEach
    void mesh() {
        RestAssuredYaml.enable();
        int code = given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode();
        assertThat(code).isIn(200, 201);
    }

    @AfterEach
    void deletePolicies() {
        applied.forEach(path -> given().delete(path));
        applied.clear();
    }

    @AfterAll
    void cleanup() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
    }

    // ---- the local zone

    /** Starts {@code n} local backends of {@code service} and registers them as Dataplanes ({@code <service>-l<i>}). */
    List<EchoBackend> local(String service, int n, String generation) throws Exception {
        List<EchoBackend> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            EchoBackend b = track(new EchoBackend("local-" + generation + i));
            registerLocal(service, i, b, true);
            out.add(b);
        }
        return out;
    }

    static void registerLocal(String service, int i, EchoBackend b, boolean ready) {
        String name = service + "-l" + i;
        String yaml = """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: %d
                      tags: {kuma.io/service: %s, kuma.io/protocol: grpc}
                      health: {ready: %s}
                """.formatted(MESH, name, b.port(), service, ready);
        int code = given().contentType("application/yaml").body(yaml).put("/meshes/" + MESH + "/dataplanes/" + name).statusCode();
        assertThat(code).as("register %s", name).isIn(200, 201);
    }

    /**
     * Takes the local instances down as a crash plus deregistration would: servers die (calls in flight fail), then
     * their Dataplanes go.
     */
    static void killLocal(String service, List<EchoBackend> backends) {
        backends.forEach(EchoBackend::close);
        for (int i = 1; i <= backends.size(); i++) {
            given().delete("/meshes/" + MESH + "/dataplanes/" + service + "-l" + i).then().statusCode(200);
        }
    }

    /** Applies a policy, deleted again after the test (the mesh is shared with {@link XdsAcceptanceTest}). */
    void apply(String plural, String name, String yaml) {
        applied.add("/meshes/" + MESH + "/" + plural + "/" + name);
        int code = given().contentType("application/yaml").body(yaml).put("/meshes/" + MESH + "/" + plural + "/" + name).statusCode();
        assertThat(code).as("apply %s/%s", plural, name).isIn(200, 201);
    }

    // ---- other zones (data only, as KDS writes it)

    /** Another zone's ingress offering {@code instances} of each service, at the stand-in server's address. */
    void ingress(String zone, String name, EchoBackend standIn, Map<String, Integer> instances) {
        ingress(zone, name, standIn.port(), instances);
    }

    void ingress(String zone, String name, int standInPort, Map<String, Integer> instances) {
        List<ZoneIngressSpec.AvailableService> offers = new ArrayList<>();
        instances.forEach((svc, n) -> offers.add(new ZoneIngressSpec.AvailableService(
                Map.of("kuma.io/service", svc, "kuma.io/protocol", "grpc"), n, MESH, null)));
        ZoneIngressSpec spec = new ZoneIngressSpec(zone,
                new ZoneIngressSpec.Networking("10.99.0.1", "127.0.0.1", 10001, standInPort, null), offers);
        Resource r = new Resource(ResourceTypes.ZONE_INGRESS, Meta.fresh("", zone + "." + name, Map.of("kuma.io/origin", "global")), spec);
        store.put(r, Precondition.ANY).toCompletableFuture().join();
    }

    <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    /** A grpc-xds channel of node {@code xds-test.grpc-client} presenting a dataplane token of the mesh (node metadata). */
    ManagedChannel channel(String service) {
        ManagedChannel ch = XdsChannels.channel(XdsTestPort.port(), XdsTestPort.NODE_ID, TestTokens.dataplane(MESH), service);
        closeables.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return ch;
    }

    static Map<String, Integer> spread(ManagedChannel ch, int calls) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < calls; i++) out.merge(EchoBackend.call(ch, "hi", 2000), 1, Integer::sum);
        return out;
    }

    static boolean isLocal(String answer) {
        return answer.startsWith("local-");
    }

    static String retry(String service) {
        return """
                type: MeshRetry
                mesh: %s
                name: %s-retry
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: %s}
                      default:
                        grpc:
                          numRetries: 5
                          # a killed instance resets calls in flight (CANCELLED); nothing else cancels here
                          retryOn: [Unavailable, Canceled]
                """.formatted(MESH, service, service);
    }

    static String failover(String service, String failoverYaml) {
        return """
                type: MeshLoadBalancingStrategy
                mesh: %s
                name: %s-lb
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: %s}
                      default:
                        localityAwareness:
                          crossZone:
                %s""".formatted(MESH, service, service, failoverYaml.indent(18));
    }

    // ---- acceptance

    @Test
    void localFirstThenAnotherZoneAndBackAgain() throws Exception {
        String svc = "fo-main";
        EchoBackend zone2 = track(new EchoBackend("zone-2"));
        ingress("zone-2", svc, zone2, Map.of(svc, 2));
        List<EchoBackend> local = local(svc, 2, "a");
        ManagedChannel ch = channel(svc);
        Await.until("local backends answer", CONVERGE, () -> isLocal(EchoBackend.call(ch, "hi", 2000)));

        Map<String, Integer> before = spread(ch, 300);
        System.out.println("[failover] 300 calls with local backends and zone-2 offering 2 instances: " + before);
        assertThat(before.keySet()).allMatch(CrossZoneFailoverTest::isLocal);
        assertThat(zone2.calls()).isZero();

        // without MeshRetry: calls in flight or picked during the switch may fail; printed, not asserted
        try (Traffic t = new Traffic(ch)) {
            t.awaitCalls(50, CONVERGE);
            long killed = System.nanoTime();
            killLocal(svc, local);
            t.awaitRun("traffic on zone-2", killed, 100, CONVERGE, "zone-2"::equals);
            System.out.printf("[failover] without MeshRetry: all local backends gone -> zone-2, %d failed calls %s%n",
                    t.failuresSince(killed), t.errorsSince(killed));

            long restarted = System.nanoTime();
            local = local(svc, 2, "b");
            t.awaitRun("traffic local again", restarted, 100, CONVERGE, CrossZoneFailoverTest::isLocal);
        }

        // with MeshRetry: proven live on the client first (a local backend failing every 2nd call stops failing)
        local.forEach(b -> b.failEvery(2));
        apply("meshretries", svc + "-retry", retry(svc));
        Await.until("retries mask a failing local backend", CONVERGE, () -> {
            for (int i = 0; i < 20; i++) EchoBackend.call(ch, "hi", 2000);
            return true;
        });
        local.forEach(b -> b.failEvery(0));
        try (Traffic t = new Traffic(ch)) {
            t.awaitCalls(50, CONVERGE);
            long killed = System.nanoTime();
            killLocal(svc, local);
            t.awaitRun("traffic on zone-2", killed, 100, CONVERGE, "zone-2"::equals);
            long failed = t.failuresSince(killed);
            assertThat(failed).as("failed calls with MeshRetry: %s", t.errorsSince(killed)).isZero();

            long restarted = System.nanoTime();
            local(svc, 2, "c");
            t.awaitRun("traffic local again", restarted, 100, CONVERGE, CrossZoneFailoverTest::isLocal);
            assertThat(t.failuresSince(restarted)).isZero();
        }
    }

    @Test
    void orderedFailoverGoesToZoneTwoThenZoneThree() throws Exception {
        String svc = "fo-order";
        apply("meshloadbalancingstrategies", svc + "-lb", failover(svc, """
                failover:
                  - to: {type: Only, zones: [zone-2]}
                  - to: {type: Only, zones: [zone-3]}
                """));
        EchoBackend zone2 = track(new EchoBackend("zone-2"));
        EchoBackend zone3 = track(new EchoBackend("zone-3"));
        ingress("zone-2", svc, zone2, Map.of(svc, 1));
        ingress("zone-3", svc, zone3, Map.of(svc, 1));
        List<EchoBackend> local = local(svc, 1, "o");
        ManagedChannel ch = channel(svc);
        Await.until("local answers", CONVERGE, () -> isLocal(EchoBackend.call(ch, "hi", 2000)));
        assertThat(spread(ch, 100).keySet()).allMatch(CrossZoneFailoverTest::isLocal);

        try (Traffic t = new Traffic(ch)) {
            long killed = System.nanoTime();
            killLocal(svc, local);
            t.awaitRun("traffic on zone-2", killed, 100, CONVERGE, "zone-2"::equals);
            assertThat(zone3.calls()).as("zone-3 is the last resort").isZero();

            // zone-2 loses its instances: its ingress stand-in stops and zone-2 advertises 0 instances
            int zone2Port = zone2.port();
            long zone2Down = System.nanoTime();
            zone2.close();
            ingress("zone-2", svc, zone2Port, Map.of(svc, 0));
            t.awaitRun("traffic on zone-3", zone2Down, 100, CONVERGE, "zone-3"::equals);
            System.out.printf("[failover] ordered: local gone -> zone-2 (%d failed); zone-2 gone -> zone-3 (%d failed)%n",
                    t.failuresSince(killed) - t.failuresSince(zone2Down), t.failuresSince(zone2Down));
        }
    }

    @Test
    void typeNoneKeepsTrafficLocalAndCallsFailOnceLocalInstancesAreGone() throws Exception {
        String svc = "fo-none";
        apply("meshloadbalancingstrategies", svc + "-lb", failover(svc, """
                failover:
                  - to: {type: None}
                """));
        EchoBackend zone2 = track(new EchoBackend("zone-2"));
        ingress("zone-2", svc, zone2, Map.of(svc, 3));
        List<EchoBackend> local = local(svc, 1, "n");
        ManagedChannel ch = channel(svc);
        Await.until("local answers", CONVERGE, () -> isLocal(EchoBackend.call(ch, "hi", 2000)));
        assertThat(spread(ch, 100).keySet()).allMatch(CrossZoneFailoverTest::isLocal);

        killLocal(svc, local);
        Await.until("20 calls in a row fail", CONVERGE, () -> {
            for (int i = 0; i < 20; i++) {
                try {
                    EchoBackend.call(ch, "hi", 500);
                    return false;
                } catch (StatusRuntimeException e) {
                    // expected: nowhere to go
                }
            }
            return true;
        });
        assertThat(zone2.calls()).isZero();
    }

    @Test
    void failoverThresholdSplitIsComputedForProxylessClients() throws Exception {
        String svc = "fo-threshold";
        apply("meshloadbalancingstrategies", svc + "-lb", failover(svc, """
                failoverThreshold: {percentage: 70}
                """));
        EchoBackend zone2 = track(new EchoBackend("zone-2"));
        ingress("zone-2", svc, zone2, Map.of(svc, 2));
        List<EchoBackend> local = local(svc, 3, "t");
        ManagedChannel ch = channel(svc);
        Await.until("all 3 local backends answer", CONVERGE, () -> {
            EchoBackend.call(ch, "hi", 2000);
            return local.stream().allMatch(b -> b.calls() > 0);
        });
        Map<String, Integer> healthy = spread(ch, 300);
        assertThat(healthy.keySet()).allMatch(CrossZoneFailoverTest::isLocal);

        // one of three local instances not ready: 2/3 < 70%, Envoy's rule (factor 143) keeps 95% and spills 5%
        registerLocal(svc, 3, local.get(2), false);
        Await.until("zone-2 gets a share", CONVERGE, () -> {
            EchoBackend.call(ch, "hi", 2000);
            return zone2.calls() > 0;
        });
        long notReadyBefore = local.get(2).calls();
        int n = 4000;
        Map<String, Integer> after = spread(ch, n);
        double zone2Share = 100.0 * after.getOrDefault("zone-2", 0) / n;
        System.out.printf("[failover] threshold 70%%, 1 of 3 local not ready: %d calls: %s -> zone-2 %.2f%% (Envoy's rule: 5%%)%n",
                n, after, zone2Share);
        assertThat(zone2Share).isBetween(3.0, 7.0);
        assertThat(local.get(2).calls()).as("the not-ready instance gets nothing").isEqualTo(notReadyBefore);
    }

    @Test
    void trafficSplitsTwoToOneBetweenZonesByInstanceCount() throws Exception {
        String svc = "fo-split";
        EchoBackend zone2 = track(new EchoBackend("zone-2"));
        EchoBackend zone3 = track(new EchoBackend("zone-3"));
        ingress("zone-2", svc, zone2, Map.of(svc, 2));
        ingress("zone-3", svc, zone3, Map.of(svc, 1));
        ManagedChannel ch = channel(svc);
        Await.until("both zones answer", CONVERGE, () -> {
            EchoBackend.call(ch, "hi", 2000);
            return zone2.calls() > 0 && zone3.calls() > 0;
        });
        int n = 3000;
        Map<String, Integer> s = spread(ch, n);
        double share = (double) s.getOrDefault("zone-2", 0) / n;
        System.out.printf("[failover] service only in other zones: %d calls %s: zone-2 %.1f%%, ratio %.2f:1 (expected 2:1)%n",
                n, s, 100 * share, share / (1 - share));
        assertThat(s).containsOnlyKeys("zone-2", "zone-3");
        assertThat(share).isBetween(2.0 / 3 * 0.9, 2.0 / 3 * 1.1);

        // scaling zone-3 up to 2 instances evens the split
        ingress("zone-3", svc, zone3, Map.of(svc, 2));
        Await.until("split evens out", CONVERGE, () -> {
            Map<String, Integer> m = spread(ch, 400);
            double z2 = m.getOrDefault("zone-2", 0) / 400.0;
            return z2 > 0.4 && z2 < 0.6;
        });
    }

    @Test
    void ingressChangesThatLeaveTheEndpointsEqualPushNothing() throws Exception {
        String svc = "fo-nopush";
        EchoBackend zone2 = track(new EchoBackend("zone-2"));
        ingress("zone-2", svc, zone2, Map.of(svc, 2));

        // a raw ADS stream (not grpc-xds: its own node id) watching the service's EDS
        ManagedChannel raw = Grpc.newChannelBuilder("localhost:" + XdsTestPort.port(), InsecureChannelCredentials.create()).build();
        closeables.add(() -> raw.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        List<ClusterLoadAssignment> received = new ArrayList<>();
        String edsType = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
        Node node = AdsTestClient.node(MESH + ".eds-watcher", Map.of(XdsAuthenticator.TOKEN_METADATA_KEY, TestTokens.dataplane(MESH)))
                .toBuilder().setUserAgentName("gRPC Java").build();
        StreamObserver<DiscoveryRequest>[] req = new StreamObserver[1];
        req[0] = AggregatedDiscoveryServiceGrpc.newStub(raw).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse r) {
                for (var any : r.getResourcesList()) {
                    try {
                        ClusterLoadAssignment cla = any.unpack(ClusterLoadAssignment.class);
                        synchronized (received) {
                            received.add(cla);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                req[0].onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(edsType).addResourceNames(svc)
                        .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        closeables.add(() -> req[0].onCompleted());
        req[0].onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(edsType).addResourceNames(svc).build());
        Await.until("EDS with zone-2 weight 2", CONVERGE, () -> lastWeight(received) == 2);
        int baseline;
        synchronized (received) {
            baseline = received.size();
        }

        // not seen by clients: the ingress's own (non-advertised) address, and an offer in another mesh
        ZoneIngressSpec.AvailableService otherMesh = new ZoneIngressSpec.AvailableService(Map.of("kuma.io/service", svc), 7, "other-mesh", null);
        ZoneIngressSpec spec = new ZoneIngressSpec("zone-2", new ZoneIngressSpec.Networking("10.99.0.2", "127.0.0.1", 10002, zone2.port(), null),
                List.of(new ZoneIngressSpec.AvailableService(Map.of("kuma.io/service", svc, "kuma.io/protocol", "grpc"), 2, MESH, null), otherMesh));
        store.put(new Resource(ResourceTypes.ZONE_INGRESS, Meta.fresh("", "zone-2." + svc, Map.of("kuma.io/origin", "global")), spec),
                Precondition.ANY).toCompletableFuture().join();
        // Observed alone: 1 s is 100 debounce windows (10 ms in tests), far past the moment a push would come.
        Await.holds("the no-op ingress write pushes no EDS", Duration.ofSeconds(1), () -> {
            synchronized (received) {
                return received.size() == baseline;
            }
        });
        // then a real change is pushed, once
        ingress("zone-2", svc, zone2, Map.of(svc, 3));
        Await.until("EDS with zone-2 weight 3", CONVERGE, () -> lastWeight(received) == 3);
        synchronized (received) {
            assertThat(received.size() - baseline).isEqualTo(1);
        }
    }

    private static int lastWeight(List<ClusterLoadAssignment> received) {
        synchronized (received) {
            if (received.isEmpty()) return -1;
            ClusterLoadAssignment cla = received.get(received.size() - 1);
            return cla.getEndpointsList().stream().filter(l -> l.getLocality().getZone().equals("zone-2"))
                    .mapToInt(l -> l.getLoadBalancingWeight().getValue()).findFirst().orElse(0);
        }
    }
}
