package dev.ursa.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Dataplane overviews at scale (issue 20): a real global and a real zone CP (processes, KDS over TLS with zone tokens,
 * in-memory stores) with a {@link CountingProxy} between them; N Dataplanes registered at the zone through its REST API;
 * N simulated proxyless clients ({@link AdsClient}, one ADS stream each, dataplane tokens) connect to the zone's real ADS
 * server as those Dataplanes and ACK everything, so the zone writes their DataplaneInsights the real way and KDS carries
 * them to the global. Measured at the global:
 * <ul>
 *   <li>latency of {@code GET /meshes/default/dataplanes/_overview?size=100&offset=<random page>} and of
 *   {@code ?tag=kuma.io/service:<random service>} (sequential, one client), with the dataplanes idle and under churn;</li>
 *   <li>KDS traffic between the zone and the global at steady state (all connected and ACKing): bytes on the wire in each
 *   direction (the proxy), KDS responses the global applied (its ZoneInsight) and resources it received (its metrics),
 *   per minute per 1000 dataplanes; idle (nothing changes) and with a policy change every {@code changeEvery} that every
 *   client receives and ACKs (so every insight changes).</li>
 * </ul>
 * Parameters ({@code --name=value}): dataplanes (10000), connected (all; the first ones get a stream, the others stay
 * registered and offline: 10 000 streams of registered dataplanes are more than a shared 2-core machine serves), services (100), channels (16), queries (300 per kind and
 * phase), warmupQueries (100), idle (60s), churn (60s), changeEvery (5s), registerConcurrency (8), repoRoot (where the
 * fast-jars are; default: this repository), connectTimeout (300s: until every client is configured, and again until all
 * are online at the global).
 * <pre>java -Xmx4g -cp 'benchmarks/target/benchmarks.jar:benchmarks/target/lib/*' dev.ursa.bench.OverviewBenchmark --dataplanes=10000</pre>
 */
public final class OverviewBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESH = "default";
    private static final String CALLED = "svc-0";
    private static final Set<String> NAMES = Set.of("dataplanes", "connected", "services", "channels", "queries", "warmupQueries", "idle", "churn",
            "changeEvery", "registerConcurrency", "repoRoot", "connectTimeout");
    /** The zone's default {@code ursa.xds.insight-flush-interval}: a quiet KDS for twice as long means no flush is pending. */
    private static final Duration QUIET = Duration.ofSeconds(11);

    private final Properties p;
    private final int n;
    /** Dataplanes with a real ADS stream (the first ones); the others are registered and never connect (offline). */
    private final int connected;
    private final int services;
    private final Federation fed;
    private final Random random = new Random(20);

    /** Counters at one instant: wire bytes, KDS responses the global applied, resources it received (by type). */
    record Snapshot(long nanos, CountingProxy.Count wire, long responsesApplied, Map<String, Long> resourcesReceived) {
    }

    /** KDS traffic over one window, also per minute per 1000 dataplanes. */
    public record Traffic(String phase, double seconds, long bytesZoneToGlobal, long bytesGlobalToZone, long responsesApplied,
                          long insightsReceived, long resourcesReceived, double bytesZoneToGlobalPerMinPer1000,
                          double bytesGlobalToZonePerMinPer1000, double responsesPerMinPer1000, double insightsPerMinPer1000,
                          long kdsConnections) {
    }

    public record Latency(String phase, String query, LatencyStats latency, long errors, String example) {
    }

    private OverviewBenchmark(Properties p, Federation fed) {
        this.p = p;
        this.n = FederationConfig.intProp(p, "dataplanes", 10_000);
        this.services = FederationConfig.intProp(p, "services", 100);
        this.connected = Math.min(n, FederationConfig.intProp(p, "connected", n));
        this.fed = fed;
    }

    public static void main(String[] args) throws Exception {
        XdsClientsBenchmark.logLikeTheZone();
        Properties p = new Properties();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) throw new IllegalArgumentException("arguments are --name=value, got: " + arg);
            p.setProperty(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        for (String name : p.stringPropertyNames()) {
            if (!NAMES.contains(name)) throw new IllegalArgumentException("unknown parameter " + name + "; known: " + new TreeSet<>(NAMES));
        }
        Results results = Results.start("overview");
        // repoRoot: where the global-cp and zone-cp fast-jars are (e.g. a copy of an earlier build, for a before/after run).
        Path root = p.containsKey("repoRoot") ? Path.of(p.getProperty("repoRoot")).toAbsolutePath() : BenchConfig.findRepoRoot();
        Path logs = p.containsKey("repoRoot") ? root.resolve("overview-logs") : root.resolve("benchmarks/target/overview-logs");
        Map<String, Object> out = new LinkedHashMap<>();
        try (Federation fed = Federation.startGlobal(root.resolve("global-cp/target/quarkus-app/quarkus-run.jar"),
                root.resolve("zone-cp/target/quarkus-app/quarkus-run.jar"), logs, "overview", Duration.ofMillis(20))) {
            new OverviewBenchmark(p, fed).run(out);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> params.put(k, p.getProperty(k)));
        params.put("dataplanes", FederationConfig.intProp(p, "dataplanes", 10_000));
        params.put("connected", p.getProperty("connected", "all"));
        params.put("clientsAre", "proxyless SotW ADS streams (LDS, RDS, CDS, EDS of " + CALLED + "), one per registered Dataplane, "
                + "dataplane tokens, ACK every response; in this JVM");
        params.put("insightFlushInterval", "5s (zone default)");
        System.out.println("JSON: " + results.write("the global, the zone, the simulated clients and this runner share the machine's "
                + Runtime.getRuntime().availableProcessors() + " cores", params, out));
        System.exit(0);
    }

    private void run(Map<String, Object> out) throws Exception {
        URI global = fed.global().baseUri();
        try (CountingProxy proxy = new CountingProxy(fed.kdsPort())) {
            Federation.Zone zone = fed.startZone("zone-1", null, "zone-1", proxy.port(), Map.of());
            System.out.printf("global and zone-1 ready; zone-1 dials KDS through the counting proxy (port %d)%n", proxy.port());
            fed.put(global, "/meshes/" + MESH, "type: Mesh\nname: " + MESH + "\n");
            fed.put(global, "/meshes/" + MESH + "/meshtimeouts/bench", PolicyBodies.requestTimeout(CALLED, "1s"));
            fed.awaitBody(zone.cp().baseUri(), "/meshes/" + MESH + "/meshtimeouts/bench", "bench");

            long t0 = System.nanoTime();
            register(zone);
            awaitTotal(global, "?size=1", n, Duration.ofMinutes(5));
            out.put("registeredAndSyncedSeconds", seconds(System.nanoTime() - t0));
            System.out.printf("%d Dataplanes registered at the zone and listed by the global in %.1f s%n", n, seconds(System.nanoTime() - t0));

            List<Traffic> traffic = new ArrayList<>();
            List<Latency> latencies = new ArrayList<>();
            Snapshot beforeConnect = snapshot(global, proxy);
            List<String> nodeIds = new ArrayList<>(connected);
            for (int i = 0; i < connected; i++) nodeIds.add(MESH + ".dp-" + i);
            t0 = System.nanoTime();
            try (AdsClientFleet fleet = AdsClientFleet.connect(zone.xdsAddress(), FederationConfig.intProp(p, "channels", 16), nodeIds,
                    CALLED, zone.dataplaneToken())) {
                AdsClient.awaitAll(fleet.clients(), AdsClient::configured, FederationConfig.duration(p.getProperty("connectTimeout", "300s")));
                double configured = seconds(System.nanoTime() - t0);
                awaitTotal(global, "?state=online&size=1", connected, FederationConfig.duration(p.getProperty("connectTimeout", "300s")));
                double online = seconds(System.nanoTime() - t0);
                System.out.printf("%d of %d dataplanes connected: configured in %.1f s; all online at the global after %.1f s%n", connected, n,
                        configured, online);
                out.put("clientsConfiguredSeconds", configured);
                out.put("allOnlineAtGlobalSeconds", online);
                awaitQuietKds(global, proxy);
                Snapshot steady = snapshot(global, proxy);
                traffic.add(traffic("connect (registered -> all online, flushes drained)", beforeConnect, steady));

                // Idle: connected, nothing changes.
                latencies.addAll(queries(global, "idle"));
                sleepUntil(steady.nanos() + FederationConfig.duration(p.getProperty("idle", "60s")).toNanos());
                traffic.add(traffic("idle (connected, no change)", steady, snapshot(global, proxy)));

                // Churn: a policy change every changeEvery, each received and ACKed by every client.
                Duration every = FederationConfig.duration(p.getProperty("changeEvery", "5s"));
                List<String> before = fleet.clients().stream().map(c -> c.acked(AdsClient.RDS)).toList();
                AtomicInteger changes = new AtomicInteger();
                ScheduledExecutorService changer = Executors.newSingleThreadScheduledExecutor();
                ScheduledFuture<?> task = changer.scheduleAtFixedRate(() -> {
                    try {
                        fed.put(global, "/meshes/" + MESH + "/meshtimeouts/bench", PolicyBodies.requestTimeout(CALLED, (2 + changes.getAndIncrement()) + "s"));
                    } catch (Exception e) {
                        System.err.println("change failed: " + e);
                    }
                }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
                // Two periods in, every node's flush has its rhythm: the window starts there.
                Thread.sleep(2 * every.toMillis()); // measurement window start, not synchronisation
                Snapshot churnStart = snapshot(global, proxy);
                latencies.addAll(queries(global, "churn (change every " + every.toMillis() / 1000.0 + " s)"));
                sleepUntil(churnStart.nanos() + FederationConfig.duration(p.getProperty("churn", "60s")).toNanos());
                Snapshot churnEnd = snapshot(global, proxy);
                task.cancel(false);
                changer.shutdown();
                traffic.add(traffic("churn (a policy change every " + every.toMillis() / 1000.0 + " s, all ACK)", churnStart, churnEnd));
                long moved = 0;
                for (int i = 0; i < connected; i++) if (!fleet.clients().get(i).acked(AdsClient.RDS).equals(before.get(i))) moved++;
                out.put("changesWritten", changes.get());
                out.put("clientsThatAckedAChange", moved);
                out.put("streamErrors", fleet.errors());
                System.out.printf("churn: %d changes written, %d of %d clients ACKed new routes, %d stream errors%n", changes.get(), moved, connected, fleet.errors());
            }
            out.put("traffic", traffic);
            out.put("latency", latencies);
            print(traffic, latencies);
        }
    }

    /** PUTs the N Dataplanes at the zone, {@code registerConcurrency} at a time. */
    private void register(Federation.Zone zone) throws Exception {
        int threads = FederationConfig.intProp(p, "registerConcurrency", 8);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < n; i += threads) fed.put(zone.cp().baseUri(), "/meshes/" + MESH + "/dataplanes/dp-" + i, dataplane(i));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(10, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
    }

    private String dataplane(int i) {
        return """
                type: Dataplane
                mesh: %s
                name: dp-%d
                networking:
                  address: 10.%d.%d.%d
                  inbound:
                    - port: 8080
                      tags: {kuma.io/service: svc-%d, kuma.io/protocol: grpc, version: v%d}
                """.formatted(MESH, i, (i >> 16) & 255, (i >> 8) & 255, i & 255, i % services, i % 3);
    }

    /** Warm-up then measured queries of both kinds, interleaved, one at a time. */
    private List<Latency> queries(URI global, String phase) throws Exception {
        int warmup = FederationConfig.intProp(p, "warmupQueries", 100);
        int count = FederationConfig.intProp(p, "queries", 300);
        int pages = Math.max(1, n / 100);
        IntFunction<String> page = k -> "?size=100&offset=" + random.nextInt(pages) * 100;
        IntFunction<String> tag = k -> "?tag=kuma.io/service:svc-" + random.nextInt(services);
        int perService = n / services;
        Function<JsonNode, Boolean> pageOk = b -> b.path("total").asInt() == n && b.path("items").size() == Math.min(100, n);
        Function<JsonNode, Boolean> tagOk = b -> b.path("total").asInt() >= perService && b.path("items").size() == Math.min(100, b.path("total").asInt());
        for (int i = 0; i < warmup; i++) {
            query(global, page.apply(i), pageOk);
            query(global, tag.apply(i), tagOk);
        }
        long[] pageNanos = new long[count];
        long[] tagNanos = new long[count];
        long pageErrors = 0;
        long tagErrors = 0;
        for (int i = 0; i < count; i++) {
            long t = query(global, page.apply(i), pageOk);
            if (t < 0) pageErrors++;
            pageNanos[i] = Math.abs(t);
            t = query(global, tag.apply(i), tagOk);
            if (t < 0) tagErrors++;
            tagNanos[i] = Math.abs(t);
        }
        return List.of(new Latency(phase, "page of 100 (size=100&offset=random)", LatencyStats.ofNanos(pageNanos), pageErrors, page.apply(0)),
                new Latency(phase, "tag filter (tag=kuma.io/service:svc-K, " + perService + " match)", LatencyStats.ofNanos(tagNanos), tagErrors, tag.apply(0)));
    }

    /** The request's duration in nanoseconds; negative when it failed or its body was not as expected. */
    private long query(URI global, String query, Function<JsonNode, Boolean> ok) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = fed.get(global, "/meshes/" + MESH + "/dataplanes/_overview" + query);
        long took = System.nanoTime() - t0;
        boolean good = r.statusCode() == 200 && ok.apply(JSON.readTree(r.body()));
        if (!good) System.err.printf("GET _overview%s: %d %s%n", query, r.statusCode(), r.body().substring(0, Math.min(300, r.body().length())));
        return good ? took : -Math.max(1, took);
    }

    private void awaitTotal(URI global, String query, int expected, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        int total = -1;
        while (System.nanoTime() < end) {
            HttpResponse<String> r = fed.get(global, "/meshes/" + MESH + "/dataplanes/_overview" + query);
            if (r.statusCode() == 200 && (total = JSON.readTree(r.body()).path("total").asInt()) == expected) return;
            Thread.sleep(200); // polling interval of a condition with a deadline
        }
        throw new IllegalStateException("_overview" + query + " total " + total + ", expected " + expected + " within " + deadline);
    }

    /** Until no byte has crossed the proxy zone -> global, apart from keepalive-sized traffic, for {@link #QUIET}. */
    private void awaitQuietKds(URI global, CountingProxy proxy) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Snapshot last = snapshot(global, proxy);
        while (System.nanoTime() < end) {
            Thread.sleep(QUIET.toMillis()); // observation window: no new insights for longer than a flush interval
            Snapshot now = snapshot(global, proxy);
            if (now.resourcesReceived().equals(last.resourcesReceived())) return;
            last = now;
        }
        throw new IllegalStateException("KDS zone -> global never went quiet within 3 minutes");
    }

    private static Snapshot snapshot(URI global, CountingProxy proxy) throws Exception {
        long nanos = System.nanoTime();
        CountingProxy.Count wire = proxy.count();
        var http = java.net.http.HttpClient.newHttpClient();
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(global.resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> received = new LinkedHashMap<>();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith("ursa_kds_resources_received_total{")) continue;
            int at = line.indexOf("type=\"") + 6;
            String type = line.substring(at, line.indexOf('"', at));
            received.merge(type, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Long::sum);
        }
        JsonNode zone = JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(global.resolve("/zones/zone-1/_overview")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        long applied = 0;
        for (JsonNode r : zone.findValues("received")) {
            for (JsonNode type : r) applied += type.path("responsesApplied").asLong();
        }
        return new Snapshot(nanos, wire, applied, received);
    }

    private Traffic traffic(String phase, Snapshot a, Snapshot b) {
        double s = seconds(b.nanos() - a.nanos());
        CountingProxy.Count wire = b.wire().minus(a.wire());
        long insights = b.resourcesReceived().getOrDefault("DataplaneInsight", 0L) - a.resourcesReceived().getOrDefault("DataplaneInsight", 0L);
        long all = b.resourcesReceived().values().stream().mapToLong(Long::longValue).sum()
                - a.resourcesReceived().values().stream().mapToLong(Long::longValue).sum();
        long responses = b.responsesApplied() - a.responsesApplied();
        double per = 60.0 / s * 1000.0 / connected; // per 1000 connected dataplanes: the others send nothing
        return new Traffic(phase, round(s), wire.up(), wire.down(), responses, insights, all, round(wire.up() * per), round(wire.down() * per),
                round(responses * per), round(insights * per), wire.connections());
    }

    private void print(List<Traffic> traffic, List<Latency> latencies) {
        System.out.printf("%nGET /meshes/default/dataplanes/_overview at the global, %d dataplanes (one client, sequential)%n", n);
        System.out.printf("%-34s %-52s %8s %8s %8s %8s %7s%n", "phase", "query", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
        for (Latency l : latencies) {
            System.out.printf("%-34s %-52s %8.2f %8.2f %8.2f %8.2f %7d%n", l.phase(), l.query(), l.latency().p50Ms(), l.latency().p90Ms(),
                    l.latency().p99Ms(), l.latency().maxMs(), l.errors());
        }
        System.out.printf("%nKDS between zone-1 and the global (wire bytes through the proxy, TLS included), per minute per 1000 connected dataplanes (%d)%n", connected);
        System.out.printf("%-52s %7s %14s %14s %12s %12s %10s%n", "phase", "s", "zone->global B", "global->zone B", "responses", "insights", "conns");
        for (Traffic t : traffic) {
            System.out.printf("%-52s %7.1f %14.0f %14.0f %12.1f %12.1f %10d%n", t.phase(), t.seconds(), t.bytesZoneToGlobalPerMinPer1000(),
                    t.bytesGlobalToZonePerMinPer1000(), t.responsesPerMinPer1000(), t.insightsPerMinPer1000(), t.kdsConnections());
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) TimeUnit.NANOSECONDS.sleep(left); // the end of a fixed measurement window
    }

    private static double seconds(long nanos) {
        return round(nanos / 1e9);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
