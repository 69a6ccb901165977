package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.testsupport.XdsBootstrap;
import io.grpc.ManagedChannel;
import io.grpc.xds.XdsNameResolverProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's acceptance test on real processes: a policy that cannot be rendered for one dataplane hurts only that
 * dataplane. A global (memory store) and one zone CP started with the test-only fault label
 * ({@value #FAULT_LABEL}); two gRPC backends ({@code alpha}, {@code beta}) in this JVM registered as Dataplanes on
 * the zone's REST API; two real grpc-java xDS clients in this JVM that are separate xDS nodes
 * ({@code default.client-a} calls alpha, {@code default.client-b} calls beta), each with its own bootstrap through
 * {@link XdsNameResolverProvider#createForTest} under its own scheme ({@code xds-a}, {@code xds-b}).
 *
 * <p>It proves: the poison MeshHTTPRoute ({@code matches: [null]}) is refused at the global and stored nowhere; a
 * labelled policy selecting only client A (synced by KDS) leaves A on its last good config, reported in
 * {@code _config}/{@code _policies} and the {@code ursa_xds_render_errors} counter, while A's calls keep working and
 * B still receives and uses new config; removing the label lets A compute again; the zone CP stays ready throughout.
 * The tests build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RenderContainmentIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FAULT_LABEL = "ursa.test/render-fault";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String FAILING_POLICY = "client-a-timeout";

    UrsaProcess global;
    UrsaProcess zone;
    int xdsPort;
    EchoBackend alpha;
    EchoBackend beta;
    /** A dataplane token of mesh default, presented by the test's grpc-xds clients. */
    String meshToken;
    ManagedChannel clientA;
    ManagedChannel clientB;
    final List<AutoCloseable> closeables = new ArrayList<>();

    /** The config versions a node was pushed (endpoints left out: they follow endpoints, not policies). */
    record Versions(String listeners, String routes, String clusters) {
        static Versions of(JsonNode config) {
            JsonNode v = config.path("versions");
            return new Versions(v.path("listeners").asText(null), v.path("routes").asText(null), v.path("clusters").asText(null));
        }
    }

    Versions clientABefore;
    Versions clientBBefore;

    @BeforeAll
    void start() throws Exception {
        long t0 = System.nanoTime();
        int kdsPort = UrsaProcess.freePort();
        global = UrsaProcess.start("contain-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kdsPort)));
        Http.Reply mesh = Http.putYaml(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null);
        assertThat(mesh.status()).as(mesh.body()).isBetween(200, 201);
        xdsPort = UrsaProcess.freePort();
        Map<String, String> props = new HashMap<>(ZoneKds.props(global.baseUrl(), "zone-1", kdsPort));
        props.put("ursa.zone.kds.backoff-max", "1s");
        props.put("quarkus.grpc.server.port", Integer.toString(xdsPort));
        props.put("ursa.xds.fault-injection.render-failure-label", FAULT_LABEL);
        zone = UrsaProcess.start("contain-zone", "zone-cp", props);
        Await.until("mesh default at the zone", WAIT, () -> Http.get(zoneUrl() + "/meshes/default").status() == 200);
        System.out.printf("[e2e] global + zone CP ready in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        alpha = track(new EchoBackend("alpha"));
        beta = track(new EchoBackend("beta"));
        register("alpha-1", "alpha", alpha.port(), Map.of());
        register("beta-1", "beta", beta.port(), Map.of());
        // The clients are registered too, with an inbound, so a policy can select one of them alone (an unregistered
        // client is selected only by targetRef Mesh, which selects every proxy). Nothing listens on their inbounds.
        register("client-a", "client-a", UrsaProcess.freePort(), Map.of("app", "client-a"));
        register("client-b", "client-b", UrsaProcess.freePort(), Map.of("app", "client-b"));

        meshToken = XdsTokens.dataplane(zoneUrl(), "default");
        clientA = xdsChannel("xds-a", "default.client-a", "alpha");
        clientB = xdsChannel("xds-b", "default.client-b", "beta");
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
        if (zone != null) zone.close();
        if (global != null) global.close();
    }

    // ---- helpers

    <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    String zoneUrl() {
        return zone.baseUrl();
    }

    /** Dataplane {@code name} on the zone's REST API: one grpc inbound of {@code service} on 127.0.0.1:{@code port}. */
    void register(String name, String service, int port, Map<String, String> labels) throws Exception {
        StringBuilder yaml = new StringBuilder("type: Dataplane\nmesh: default\nname: " + name + "\n");
        if (!labels.isEmpty()) {
            yaml.append("labels:\n");
            labels.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        }
        yaml.append("""
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags:
                      kuma.io/service: %s
                      kuma.io/protocol: grpc
                """.formatted(port, service));
        Http.Reply r = Http.putYaml(zoneUrl() + "/meshes/default/dataplanes/" + name, yaml.toString(), null);
        assertThat(r.status()).as("register " + name + ": " + r.body()).isBetween(200, 201);
    }

    /**
     * A channel to {@code xds-?:///service} whose resolver has its own bootstrap, hence its own xDS client and node id
     * (grpc-xds otherwise reads one bootstrap per JVM).
     */
    ManagedChannel xdsChannel(String scheme, String nodeId, String service) {
        ManagedChannel ch = XdsChannels.of(scheme, XdsBootstrap.withToken("127.0.0.1:" + xdsPort, nodeId, meshToken), service);
        closeables.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return ch;
    }

    /** {@code n} calls in a row, each answered by {@code backend}. */
    static void callsSucceed(ManagedChannel ch, String backend, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(EchoBackend.call(ch, "hi", 5000)).as("call %d of %d", i + 1, n).isEqualTo(backend);
        }
    }

    JsonNode config(String dataplane) throws Exception {
        Http.Reply r = Http.get(zoneUrl() + "/meshes/default/dataplanes/" + dataplane + "/_config");
        assertThat(r.status()).as("_config of " + dataplane + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    JsonNode policies(String dataplane) throws Exception {
        Http.Reply r = Http.get(zoneUrl() + "/meshes/default/dataplanes/" + dataplane + "/_policies");
        assertThat(r.status()).as("_policies of " + dataplane + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static Set<String> listenerNames(JsonNode config) {
        Set<String> names = new HashSet<>();
        config.path("listeners").forEach(l -> names.add(l.path("name").asText()));
        return names;
    }

    /** Whether some route of the config carries {@code deadline} as its max stream duration (MeshTimeout on proxyless). */
    static boolean hasRouteDeadline(JsonNode config, String deadline) {
        for (JsonNode msd : config.findValues("maxStreamDuration")) {
            if (deadline.equals(msd.path("maxStreamDuration").asText())) return true;
        }
        return false;
    }

    /** The zone's {@code ursa_xds_render_errors_total} for one blamed policy; 0 when absent. */
    double renderErrors(String type, String name) throws Exception {
        Http.Reply metrics = Http.getText(zoneUrl() + "/q/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        double sum = 0;
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("ursa_xds_render_errors_total{") && line.contains("mesh=\"default\"")
                    && line.contains("type=\"" + type + "\"") && line.contains("name=\"" + name + "\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** A MeshTimeout selecting only the client Dataplane labelled {@code app: <client>}, with a request deadline to {@code service}. */
    static String clientTimeout(String name, String client, String service, String deadline, boolean faulty) {
        return """
                type: MeshTimeout
                mesh: default
                name: %s
                %sspec:
                  targetRef:
                    kind: Dataplane
                    labels:
                      app: %s
                  to:
                  - targetRef: {kind: MeshService, name: %s}
                    default:
                      http:
                        requestTimeout: %s
                """.formatted(name, faulty ? "labels:\n  " + FAULT_LABEL + ": \"true\"\n" : "", client, service, deadline);
    }

    /** PUTs a MeshTimeout on the global and waits until KDS delivered this version of it (fault label or not) to the zone. */
    void applyOnGlobal(String name, String yaml, boolean faulty) throws Exception {
        Http.Reply r = Http.putYaml(global.baseUrl() + "/meshes/default/meshtimeouts/" + name, yaml, null);
        assertThat(r.status()).as("apply " + name + ": " + r.body()).isBetween(200, 201);
        Await.until(name + (faulty ? " with" : " without") + " the fault label at the zone", WAIT, () -> {
            Http.Reply z = Http.get(zoneUrl() + "/meshes/default/meshtimeouts/" + name);
            return z.status() == 200 && JSON.readTree(z.body()).path("labels").has(FAULT_LABEL) == faulty;
        });
    }

    Set<String> names(String baseUrl, String plural) throws Exception {
        Http.Reply r = Http.get(baseUrl + "/meshes/default/" + plural);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Set<String> out = new HashSet<>();
        JSON.readTree(r.body()).path("items").forEach(i -> out.add(i.path("name").asText()));
        return out;
    }

    // ---- the scenario

    @Test
    @Order(1)
    void poisonRouteIsRefusedAtTheGlobalNamingTheNullMatchAndStoredNowhere() throws Exception {
        Set<String> before = names(global.baseUrl(), "meshhttproutes");
        Http.Reply r = Http.putYaml(global.baseUrl() + "/meshes/default/meshhttproutes/poison", """
                type: MeshHTTPRoute
                mesh: default
                name: poison
                spec:
                  targetRef: {kind: Mesh}
                  to:
                  - targetRef: {kind: MeshService, name: alpha}
                    rules:
                    - matches: [null]
                      default:
                        backendRefs: [{kind: MeshService, name: alpha}]
                """, null);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        JSON.readTree(r.body()).path("causes").forEach(c -> fields.add(c.path("field").asText()));
        assertThat(fields).as(r.body()).contains("spec.to[0].rules[0].matches[0]");
        assertThat(Http.get(global.baseUrl() + "/meshes/default/meshhttproutes/poison").status()).isEqualTo(404);
        assertThat(names(global.baseUrl(), "meshhttproutes")).as("the global's MeshHTTPRoutes").isEqualTo(before).doesNotContain("poison");
        // That the zone never sees it is checked at the end, once later changes have demonstrably arrived over KDS.
    }

    @Test
    @Order(2)
    void bothClientsAreSeparateNodesAndCallTheirServices() throws Exception {
        Await.until("client A answered by alpha", WAIT, () -> EchoBackend.call(clientA, "hi", 2000).equals("alpha"));
        Await.until("client B answered by beta", WAIT, () -> EchoBackend.call(clientB, "hi", 2000).equals("beta"));
        callsSucceed(clientA, "alpha", 20);
        callsSucceed(clientB, "beta", 20);
        // Proxyless nodes get a listener per service of the mesh: once all four are there, nothing else changes them.
        Set<String> services = Set.of("alpha", "beta", "client-a", "client-b");
        Await.until("client A configured for every service", WAIT, () -> config("client-a").path("connected").asBoolean()
                && listenerNames(config("client-a")).containsAll(services));
        Await.until("client B configured for every service", WAIT, () -> config("client-b").path("connected").asBoolean()
                && listenerNames(config("client-b")).containsAll(services));
        JsonNode a = config("client-a");
        JsonNode b = config("client-b");
        assertThat(a.path("flavour").asText()).isEqualTo("proxyless");
        assertThat(a.has("renderError")).as(a.toPrettyString()).isFalse();
        assertThat(b.has("renderError")).as(b.toPrettyString()).isFalse();
        clientABefore = Versions.of(a);
        clientBBefore = Versions.of(b);
        assertThat(clientABefore.listeners()).isNotNull();
        assertThat(clientABefore.routes()).isNotNull();
        assertThat(clientABefore.clusters()).isNotNull();
        System.out.println("[e2e] last good versions: client A " + clientABefore + ", client B " + clientBBefore);
    }

    @Test
    @Order(3)
    void policyFailingForClientAKeepsItsLastGoodConfigAndIsReported() throws Exception {
        long t0 = System.nanoTime();
        applyOnGlobal(FAILING_POLICY, clientTimeout(FAILING_POLICY, "client-a", "alpha", "7s", true), true);
        Await.until("client A's _config shows the render error", WAIT, () -> config("client-a").has("renderError"));
        System.out.printf("[e2e] faulty policy applied on the global -> render error shown for client A after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        JsonNode a = config("client-a");
        JsonNode error = a.path("renderError");
        assertThat(error.path("type").asText()).as(error.toPrettyString()).isEqualTo("MeshTimeout");
        assertThat(texts(error.path("resources"))).as(error.toPrettyString()).contains("default/" + FAILING_POLICY);
        assertThat(error.path("message").asText()).contains(FAULT_LABEL);
        assertThat(error.path("since").asText()).isNotEmpty();
        assertThat(Versions.of(a)).as("client A keeps its last good config").isEqualTo(clientABefore);
        assertThat(hasRouteDeadline(a, "7s")).as("the failing policy is not in client A's config").isFalse();
        JsonNode aPolicies = policies("client-a");
        assertThat(texts(aPolicies.path("renderError").path("resources"))).contains("default/" + FAILING_POLICY);

        callsSucceed(clientA, "alpha", 20);
        Await.until("ursa_xds_render_errors_total for " + FAILING_POLICY, WAIT, () -> renderErrors("MeshTimeout", "default/" + FAILING_POLICY) > 0);

        JsonNode b = config("client-b");
        assertThat(b.has("renderError")).as("client B is not touched: " + b.path("renderError")).isFalse();
        assertThat(Versions.of(b)).as("a policy for client A does not change client B").isEqualTo(clientBBefore);
        callsSucceed(clientB, "beta", 20);

        // The zone's DataplaneInsight carries it up over KDS: the global shows it, labelled with the zone.
        String insightAtGlobal = global.baseUrl() + "/meshes/default/dataplane-insights/zone-1.client-a";
        Await.until("client A's insight at the global", WAIT, () -> Http.get(insightAtGlobal).status() == 200);
        JsonNode insight = JSON.readTree(Http.get(insightAtGlobal).body());
        assertThat(insight.path("renderError").path("type").asText()).as(insight.toPrettyString()).isEqualTo("MeshTimeout");
        assertThat(texts(insight.path("renderError").path("resources"))).contains("default/" + FAILING_POLICY);
        assertThat(insight.path("labels").path("kuma.io/zone").asText()).isEqualTo("zone-1");
        var clientBInsight = Http.get(global.baseUrl() + "/meshes/default/dataplane-insights/zone-1.client-b");
        assertThat(clientBInsight.status() == 404 || !JSON.readTree(clientBInsight.body()).has("renderError"))
                .as("client B's insight has no render error: " + clientBInsight.body()).isTrue();
    }

    @Test
    @Order(4)
    void clientBKeepsReceivingNewConfigWhileClientAFails() throws Exception {
        long t0 = System.nanoTime();
        applyOnGlobal("client-b-timeout", clientTimeout("client-b-timeout", "client-b", "beta", "9s", false), false);
        Await.until("client B's config changes", WAIT, () -> !Versions.of(config("client-b")).equals(clientBBefore));
        System.out.printf("[e2e] policy for client B applied on the global -> client B's config changed after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        JsonNode b = config("client-b");
        assertThat(b.has("renderError")).as(b.path("renderError").toString()).isFalse();
        assertThat(hasRouteDeadline(b, "9s")).as("client B's new config carries its MeshTimeout").isTrue();
        callsSucceed(clientB, "beta", 20);

        JsonNode a = config("client-a");
        assertThat(texts(a.path("renderError").path("resources"))).contains("default/" + FAILING_POLICY);
        assertThat(Versions.of(a)).as("client A still on its last good config").isEqualTo(clientABefore);
        callsSucceed(clientA, "alpha", 20);
    }

    @Test
    @Order(5)
    void removingTheFaultLabelLetsClientAComputeAgain() throws Exception {
        long t0 = System.nanoTime();
        applyOnGlobal(FAILING_POLICY, clientTimeout(FAILING_POLICY, "client-a", "alpha", "7s", false), false);
        Await.until("client A's render error gone", WAIT, () -> !config("client-a").has("renderError"));
        Await.until("client A's config changes", WAIT, () -> !Versions.of(config("client-a")).equals(clientABefore));
        System.out.printf("[e2e] fault label removed on the global -> client A computes again after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        JsonNode a = config("client-a");
        assertThat(hasRouteDeadline(a, "7s")).as("client A's config now carries the fixed policy").isTrue();
        assertThat(policies("client-a").has("renderError")).isFalse();
        Await.until("client A's render error cleared at the global", WAIT,
                () -> !JSON.readTree(Http.get(global.baseUrl() + "/meshes/default/dataplane-insights/zone-1.client-a").body()).has("renderError"));
        callsSucceed(clientA, "alpha", 20);
        callsSucceed(clientB, "beta", 20);
    }

    @Test
    @Order(6)
    void zoneStayedReadyAndNeverSawThePoisonRoute() throws Exception {
        // Every later change reached the zone over KDS, so the refused route would have too had it been stored.
        assertThat(Http.get(zoneUrl() + "/meshes/default/meshhttproutes/poison").status()).isEqualTo(404);
        assertThat(names(zoneUrl(), "meshhttproutes")).doesNotContain("poison");
        assertThat(names(global.baseUrl(), "meshhttproutes")).doesNotContain("poison");
        assertThat(Http.get(zoneUrl() + "/q/health/ready").status()).as(zone.tail()).isEqualTo(200);
    }

    /** Last: it stops client A and then the zone. */
    @Test
    @Order(7)
    void dataplaneInsightsReachTheGlobalAndTheZoneGoingAwayTakesItsDataplanesOffline() throws Exception {
        String overviewB = global.baseUrl() + "/meshes/default/dataplanes/zone-1.client-b/_overview";
        JsonNode b = Await.value("client B online at the global with its ACKed listeners", WAIT, () -> {
            JsonNode o = JSON.readTree(Http.get(overviewB).body());
            JsonNode subs = o.path("dataplaneInsight").path("subscriptions");
            JsonNode lds = subs.isEmpty() ? null : subs.get(subs.size() - 1).path("status").path("lds");
            return "online".equals(o.path("state").asText()) && lds != null && !lds.path("lastAckedVersion").asText().isEmpty() ? o : null;
        });
        assertThat(b.path("zone").asText()).isEqualTo("zone-1");
        JsonNode insight = JSON.readTree(Http.get(global.baseUrl() + "/global-insight").body());
        assertThat(insight.path("dataplanes").path("byZone").path("zone-1").path("online").asInt()).as(insight.toString()).isGreaterThanOrEqualTo(2);

        // A client that goes away: offline at the global once its stream closed (written at once, then KDS).
        long t0 = System.nanoTime();
        clientA.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        Await.until("client A offline at the global", WAIT, () -> "offline".equals(
                JSON.readTree(Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-1.client-a/_overview").body()).path("state").asText()));
        System.out.printf("[e2e] client A closed -> offline at the global after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        // The zone goes away: its dataplanes turn offline at the global, none is deleted.
        int total = JSON.readTree(Http.get(global.baseUrl() + "/meshes/default/dataplanes/_overview").body()).path("total").asInt();
        t0 = System.nanoTime();
        zone.kill();
        Await.until("client B offline at the global once its zone is gone", WAIT,
                () -> "offline".equals(JSON.readTree(Http.get(overviewB).body()).path("state").asText()));
        System.out.printf("[e2e] zone killed -> its dataplanes offline at the global after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        JsonNode all = JSON.readTree(Http.get(global.baseUrl() + "/meshes/default/dataplanes/_overview").body());
        assertThat(all.path("total").asInt()).as("nothing deleted").isEqualTo(total);
        assertThat(JSON.readTree(Http.get(global.baseUrl() + "/meshes/default/dataplanes/_overview?state=online").body()).path("total").asInt())
                .isZero();
    }
}
