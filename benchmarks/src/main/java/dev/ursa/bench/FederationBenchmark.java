package dev.ursa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The whole federation in one run: a real global-cp and Z zone-cps as processes (fast-jars, in-memory store, zone tokens),
 * N simulated ADS clients per zone in this JVM (real gRPC streams, {@link AdsClientFleet}), and these figures, each to
 * {@code <out>/federation-*.json} with the machine and its load, and all of them in one file per run,
 * {@code benchmarks/target/results/federation-<timestamp>.json} ({@link Results}):
 * <ol>
 *   <li>REST PUT at the global while the zones are connected ({@link PutLoad}, into a mesh without clients);</li>
 *   <li>KDS full resync and resume-with-no-change ({@link KdsProbe}), and a zone CP restart with and without its data dir;</li>
 *   <li>zone CP heap per connected client (after GC, {@link ZoneHeap});</li>
 *   <li>policy change at the global until every client has ACKed the new route config: p50/p90/p99 (the headline), once
 *       per KDS batch window ({@code ursa.kds.batch-window}; the first is the main run, the others baselines); isolated
 *       changes (each waits for every ACK, then a settle pause);</li>
 *   <li>the same under sustained churn: changes at a fixed rate (e.g. 5 and 20 per second) for a fixed time, not waiting
 *       for ACKs; change -> ACK per (change, client), and the backlog when the churn stops (changes not yet ACKed by
 *       every client) and how long it takes to drain ({@link ChurnRecorder});</li>
 *   <li>reconnect storm: every client drops its stream and connection and reconnects at once.</li>
 * </ol>
 * Usage: {@code benchmarks/run-federation.sh [--size=small|large|single] [--name=value ...]} (see {@link FederationConfig}).
 * Exits 1 when a PUT failed, a reconnecting client failed, or a churn phase did not drain.
 */
public final class FederationBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern FIRST_SYNC = Pattern.compile("first full sync with the global done in (\\d+) ms");
    private static final Pattern RESTORED = Pattern.compile("restored (\\d+) resources synced from the global");

    /**
     * CPU seconds per measured change spent by the global, all zone CPs, and this JVM (the simulated clients; while one
     * federation is measured the other's clients sit idle), so a slow figure can be told from a starved one.
     */
    public record ChangeAck(String batchWindow, int zones, int clients, int changes, LatencyStats latency, double connectSeconds,
                            double globalCpuMsPerChange, double zonesCpuMsPerChange, double clientsJvmCpuMsPerChange,
                            double otherFederationsCpuMsPerChange) {
    }

    /**
     * One sustained-churn phase: {@code changes} written at {@code ratePerSecond} (open loop: the next change is due at a
     * fixed time whatever the ACKs; the PUTs themselves are sequential, so a slow PUT delays the next one, see
     * {@code maxSendLagMs}). {@code changeToAck}: over every (change, client) pair, from the change's PUT to the first
     * ACK of a route config holding it or a later change. At the stop (the last PUT answered): changes not yet ACKed by
     * every client, (change, client) pairs pending, clients behind; then the time until every client holds the last
     * change ({@code drainMs}, null if some did not within 2 minutes).
     */
    public record Churn(String batchWindow, double ratePerSecond, double durationSeconds, int clients, int changes,
                        double achievedRatePerSecond, double maxSendLagMs, LatencyStats putLatency, LatencyStats changeToAck,
                        long samplesMissing, int changesNotAckedByAllAtStop, long clientChangesPendingAtStop, long clientsBehindAtStop,
                        Double drainMs, long clientsNotDrained, double globalCpuMsPerChange, double zonesCpuMsPerChange,
                        double clientsJvmCpuMsPerChange) {
    }

    public record RestPut(int puts, double putsPerSecond, LatencyStats latency, int errors, String firstFailure, long globalCpuMicrosPerPut,
                          double zonesHaveAllSeconds) {
    }

    public record Kds(long resources, List<Long> fullResyncMs, List<Long> resumeNoChangeMs, double fullMedianMs, double resumeMedianMs,
                      long resumeResourcesReceived,
                      Double zoneRestartEmptyDataDirReadySeconds, Long zoneRestartEmptyDataDirSyncMs,
                      Double zoneRestartWithDataDirReadySeconds, String zoneRestartWithDataDirRestored) {
    }

    public record Heap(String zone, int clients, long usedBeforeBytes, long usedAfterBytes, double kbPerClient) {
    }

    public record Storm(int clients, double allAckedSeconds, long streamErrors, long notConfigured) {
    }

    /** One federation (one KDS batch window) and its clients. */
    private static final class Run implements AutoCloseable {
        private final String window;
        private final Federation fed;
        private final List<AdsClientFleet> fleets = new ArrayList<>();
        private double connectSeconds;

        Run(String window, Federation fed) {
            this.window = window;
            this.fed = fed;
        }

        String window() {
            return window;
        }

        Federation fed() {
            return fed;
        }

        List<AdsClientFleet> fleets() {
            return fleets;
        }

        void closeFleets() throws InterruptedException {
            for (AdsClientFleet f : fleets) f.close();
            fleets.clear();
        }

        @Override
        public void close() throws InterruptedException {
            closeFleets();
            fed.close();
        }
    }

    private final FederationConfig config;
    private final PrintStream out = System.out;
    private final Path logDir;

    private FederationBenchmark(FederationConfig config) {
        this.config = config;
        this.logDir = config.outDir().resolve("logs");
    }

    public static void main(String[] args) throws Exception {
        XdsClientsBenchmark.logLikeTheZone(); // the KDS probe's logging would otherwise be queued at ALL
        FederationConfig config;
        try {
            config = FederationConfig.from(args);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("federation benchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new FederationBenchmark(config).run() ? 0 : 1);
    }

    private boolean run() throws Exception {
        Files.createDirectories(logDir);
        Results results = Results.start("federation");
        Machine machine = results.machine();
        String when = results.date();
        String loadBefore = results.loadBefore();
        out.printf("Ursa federation benchmark, %s: %d zone(s) x %d clients, %d isolated changes (+%d warm-up, %d ms settle), batch windows %s;"
                        + " sustained churn %s changes/s for %.1f s each (%s); dataplane tokens %s%n", when, config.zones(), config.clientsPerZone(), config.changes(),
                config.warmupChanges(), config.settle().toMillis(), config.batchWindows().stream().map(d -> d.toMillis() + "ms").toList(),
                config.churnRates().isEmpty() ? "none" : config.churnRates().stream().map(FederationBenchmark::fmt).toList(),
                config.churnDuration().toMillis() / 1000.0, config.churnAllFederations() ? "every federation" : "first federation only",
                config.dataplaneTokens() ? "on (every xDS stream verified)" : "off (ursa.xds.auth=none)");
        out.printf("machine: %d cores (shared by the global, the zones and this JVM's clients), %.1f GiB, %s; Java %s%n",
                machine.cores(), machine.memoryGiB(), machine.cpuModel(), machine.javaVersion());
        out.printf("load average before the run (1, 5, 15 min): %s%n", loadBefore);
        long t0 = System.nanoTime();

        RestPut restPut;
        Kds kds;
        List<Heap> heaps = new ArrayList<>();
        Storm storm = null;
        List<ChangeAck> changeAcks;
        List<Churn> churn;
        // One federation per batch window, all up at once; the changes alternate between them, so the baseline sees the
        // same machine state as the main run (the others sit idle while one is measured).
        List<Run> runs = new ArrayList<>();
        try {
            for (Duration window : config.batchWindows()) {
                String label = window.toMillis() + "ms";
                out.printf("federation with KDS batch window %s%n", label);
                Run run = new Run(label, Federation.startGlobal(config.globalCpJar(), config.zoneCpJar(), logDir, "fed-" + label, window)
                        .dataplaneTokens(config.dataplaneTokens()));
                runs.add(run);
                startZones(run.fed());
                setUpMesh(run.fed());
            }
            Run main = runs.getFirst();
            restPut = restPut(main.fed());
            kds = kds(main.fed());
            Map<String, Long> before = new LinkedHashMap<>();
            for (Federation.Zone z : main.fed().zones()) before.put(z.name(), ZoneHeap.usedAfterGc(main.fed(), z.cp()));
            for (Run run : runs) run.connectSeconds = connect(run.fed(), run.fleets());
            for (Federation.Zone z : main.fed().zones()) {
                long after = ZoneHeap.usedAfterGc(main.fed(), z.cp());
                heaps.add(new Heap(z.name(), config.clientsPerZone(), before.get(z.name()), after,
                        round((after - before.get(z.name())) / 1024.0 / config.clientsPerZone())));
            }
            changeAcks = changes(runs);
            churn = churn(runs);
            if (config.storm()) storm = storm(main.fed(), main.fleets());
            for (Run run : runs) run.closeFleets();
            if (config.zoneRestart()) kds = zoneRestart(main.fed(), kds);
        } finally {
            for (Run run : runs) run.close();
        }
        double totalSeconds = (System.nanoTime() - t0) / 1e9;
        String loadAfter = Benchmarks.loadAverage();

        printTable(changeAcks, churn, restPut, kds, heaps, storm);
        out.printf("%nwall time %.0f s; load average before %s, after %s%n", totalSeconds, loadBefore, loadAfter);
        Map<String, Object> params = parameters();
        Map<String, Object> changeAck = new LinkedHashMap<>();
        changeAck.put("isolated", changeAcks);
        changeAck.put("sustainedChurn", churn);
        write("federation-change-ack", when, machine, loadBefore, loadAfter, params, changeAck);
        write("federation-rest-put", when, machine, loadBefore, loadAfter, params, restPut);
        write("federation-kds", when, machine, loadBefore, loadAfter, params, kds);
        write("federation-heap", when, machine, loadBefore, loadAfter, params, heaps);
        if (storm != null) write("federation-storm", when, machine, loadBefore, loadAfter, params, storm);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("changeAck", changeAck);
        all.put("restPut", restPut);
        all.put("kds", kds);
        all.put("heap", heaps);
        all.put("storm", storm);
        Path file = results.write("the global, the zones and the simulated clients share the machine's " + machine.cores() + " cores", params, all);
        out.printf("JSON: %s (whole run); %s/federation-*.json (per figure, overwritten by the next run); logs: %s%n", file, config.outDir(), logDir);
        boolean ok = restPut.errors() == 0 && (storm == null || storm.streamErrors() + storm.notConfigured() == 0)
                && churn.stream().allMatch(c -> c.clientsNotDrained() == 0);
        return ok;
    }

    private void startZones(Federation fed) throws Exception {
        for (int z = 1; z <= config.zones(); z++) {
            Federation.Zone zone = fed.startZone("zone-" + z, null, "zone-" + z);
            out.printf("  zone-%d ready in %.1f s (xDS %s)%n", z, zone.cp().startup().toMillis() / 1000.0, zone.xdsAddress());
        }
    }

    /** Mesh {@code default} with the MeshTimeout the changes rewrite, 3 backend Dataplanes per zone; mesh {@code bulk} for the PUTs. */
    private void setUpMesh(Federation fed) throws Exception {
        fed.put(fed.global().baseUri(), "/meshes/default", "type: Mesh\nname: default\n");
        fed.put(fed.global().baseUri(), "/meshes/bulk", "type: Mesh\nname: bulk\n");
        fed.put(fed.global().baseUri(), "/meshes/default/meshtimeouts/bench", timeout(1));
        for (Federation.Zone z : fed.zones()) {
            fed.awaitBody(z.cp().baseUri(), "/meshes/default/meshtimeouts/bench", "bench");
            fed.awaitBody(z.cp().baseUri(), "/meshes/bulk", "bulk");
            for (int i = 1; i <= 3; i++) {
                fed.put(z.cp().baseUri(), "/meshes/default/dataplanes/backend-" + i, """
                        type: Dataplane
                        mesh: default
                        name: backend-%d
                        networking:
                          address: 10.0.0.%d
                          inbound:
                            - port: 8080
                              tags: {kuma.io/service: backend, kuma.io/protocol: grpc}
                        """.formatted(i, i));
            }
        }
    }

    private static String timeout(int seconds) {
        return PolicyBodies.backendRequestTimeout(seconds + "s");
    }

    private RestPut restPut(Federation fed) throws Exception {
        out.printf("REST PUT: %d + %d warm-up MeshTimeouts into mesh bulk at the global, %d clients ... ", config.puts(), config.putWarmup(),
                config.concurrency());
        out.flush();
        PutLoad load = new PutLoad(fed.global().baseUri(), new PolicyBodies(BenchConfig.BodyFormat.json, "bulk"), config.concurrency());
        if (config.putWarmup() > 0) load.run("warmup", config.putWarmup());
        Duration cpu0 = fed.global().cpuTime();
        PutLoad.Outcome o = load.run("bench", config.puts());
        long cpuMicros = fed.global().cpuTime().minus(cpu0).toNanos() / 1000 / config.puts();
        // Every PUT also goes to every zone over KDS: time until the last zone holds them all.
        long t0 = System.nanoTime();
        String total = "\"total\":" + (config.puts() + config.putWarmup());
        for (Federation.Zone z : fed.zones()) fed.awaitBody(z.cp().baseUri(), "/meshes/bulk/meshtimeouts?size=1", total);
        double zonesHaveAll = round((System.nanoTime() - t0) / 1e9);
        RestPut r = new RestPut(config.puts(), round(o.perSecond()), LatencyStats.ofNanos(o.latencyNanos()), o.failed(), o.firstFailure(),
                cpuMicros, zonesHaveAll);
        out.printf("%.0f PUT/s%n", r.putsPerSecond());
        return r;
    }

    private Kds kds(Federation fed) throws Exception {
        out.print("KDS: full resync and resume with no change (in-process zone client against the global) ... ");
        out.flush();
        List<Long> full = new ArrayList<>();
        List<Long> resume = new ArrayList<>();
        long resources;
        long resent = 0;
        try (KdsProbe probe = new KdsProbe(fed.kdsPort(), fed.caFile(), "kds-probe", fed.zoneToken("kds-probe"))) {
            probe.sync(); // warm-up, discarded: the first sync in this JVM also JIT-compiles the KDS code (2-4 s measured)
            for (int i = 0; i < config.kdsRepeats(); i++) {
                probe.forget();
                full.add(probe.sync().took().toMillis());
            }
            resources = probe.resources();
            for (int i = 0; i < config.kdsRepeats(); i++) {
                KdsProbe.Sync s = probe.sync();
                resume.add(s.took().toMillis());
                resent = Math.max(resent, s.received());
            }
        }
        Kds k = new Kds(resources, full, resume, median(full), median(resume), resent, null, null, null, null);
        out.printf("%d resources: full %.0f ms, resume %.0f ms (%d re-sent)%n", resources, k.fullMedianMs(), k.resumeMedianMs(), resent);
        return k;
    }

    /** A zone CP without clients: first start on an empty data dir (= restart without it), then a restart with it. */
    private Kds zoneRestart(Federation fed, Kds kds) throws Exception {
        out.print("zone CP restart with and without its data dir ... ");
        out.flush();
        Path dataDir = Files.createTempDirectory("ursa-bench-zone-data");
        Federation.Zone first = fed.startZone("zone-restart", dataDir, "zone-restart-empty");
        Optional<String> syncMs = first.cp().firstMatch(FIRST_SYNC);
        fed.awaitBody(first.cp().baseUri(), "/meshes/bulk/meshtimeouts?size=1", "\"total\":" + (config.puts() + config.putWarmup()));
        Thread.sleep(1500); // the zone writes its snapshot file a moment after a sync (coalesced); let it land before the restart
        fed.stopZone(first);
        Federation.Zone second = fed.startZone("zone-restart", dataDir, "zone-restart-with-data");
        Optional<String> restored = second.cp().firstMatch(RESTORED);
        fed.stopZone(second);
        Kds k = new Kds(kds.resources(), kds.fullResyncMs(), kds.resumeNoChangeMs(), kds.fullMedianMs(), kds.resumeMedianMs(),
                kds.resumeResourcesReceived(), first.cp().startup().toMillis() / 1000.0, syncMs.map(Long::parseLong).orElse(null),
                second.cp().startup().toMillis() / 1000.0, restored.orElse("none"));
        out.printf("ready in %.1f s empty, %.1f s with data dir%n", k.zoneRestartEmptyDataDirReadySeconds(), k.zoneRestartWithDataDirReadySeconds());
        return k;
    }

    private List<String> nodeIds(String zone) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < config.clientsPerZone(); i++) ids.add("default." + zone + "-client-" + i);
        return ids;
    }

    /** Connects every zone's clients at once; returns seconds until all are configured. */
    private double connect(Federation fed, List<AdsClientFleet> fleets) throws Exception {
        out.printf("connecting %d x %d ADS clients ... ", config.zones(), config.clientsPerZone());
        out.flush();
        long t0 = System.nanoTime();
        for (Federation.Zone z : fed.zones()) {
            fleets.add(AdsClientFleet.connect(z.xdsAddress(), config.channelsPerZone(), nodeIds(z.name()), "backend", z.dataplaneToken()));
        }
        AdsClient.awaitAll(all(fleets), AdsClient::configured, Duration.ofMinutes(3));
        double s = round((System.nanoTime() - t0) / 1e9);
        out.printf("all configured in %.2f s%n", s);
        return s;
    }

    /** Warm-up and measured changes, alternating between the runs: change k goes to every run before change k+1. */
    private List<ChangeAck> changes(List<Run> runs) throws Exception {
        out.printf("policy change at the global -> ACK by all clients: %d warm-up + %d measured changes per batch window (%s), alternating ... ",
                config.warmupChanges(), config.changes(), runs.stream().map(Run::window).toList());
        out.flush();
        List<long[]> samples = new ArrayList<>();
        long[][] cpuNanos = new long[runs.size()][4]; // global, zones, this JVM, the other (idle) federations' CPs
        for (Run run : runs) samples.add(new long[config.changes() * config.zones() * config.clientsPerZone()]);
        for (int change = 0; change < config.warmupChanges() + config.changes(); change++) {
            for (int r = 0; r < runs.size(); r++) {
                List<AdsClient> clients = all(runs.get(r).fleets());
                for (AdsClient c : clients) c.markChange(c.acked(AdsClient.RDS));
                long[] cpu0 = cpu(runs.get(r).fed());
                long others0 = othersCpu(runs, r);
                long start = System.nanoTime();
                runs.get(r).fed().put(runs.get(r).fed().global().baseUri(), "/meshes/default/meshtimeouts/bench", timeout(2 + change));
                AdsClient.awaitAll(clients, c -> c.changeAckNanos() > 0, Duration.ofMinutes(1));
                Thread.sleep(config.settle().toMillis()); // think time: the ACKs are processed before the next change
                if (change >= config.warmupChanges()) {
                    long[] cpu1 = cpu(runs.get(r).fed());
                    for (int k = 0; k < 3; k++) cpuNanos[r][k] += cpu1[k] - cpu0[k];
                    cpuNanos[r][3] += othersCpu(runs, r) - others0;
                    int base = (change - config.warmupChanges()) * clients.size();
                    for (int i = 0; i < clients.size(); i++) samples.get(r)[base + i] = clients.get(i).changeAckNanos() - start;
                }
            }
        }
        List<ChangeAck> results = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            results.add(new ChangeAck(runs.get(r).window(), config.zones(), config.zones() * config.clientsPerZone(), config.changes(),
                    LatencyStats.ofNanos(samples.get(r)), runs.get(r).connectSeconds, round(cpuNanos[r][0] / 1e6 / config.changes()),
                    round(cpuNanos[r][1] / 1e6 / config.changes()), round(cpuNanos[r][2] / 1e6 / config.changes()),
                    round(cpuNanos[r][3] / 1e6 / config.changes())));
        }
        out.println(results.stream().map(a -> a.batchWindow() + ": p50 " + Math.round(a.latency().p50Ms()) + " ms, p99 "
                + Math.round(a.latency().p99Ms()) + " ms").toList());
        return results;
    }

    /**
     * Sustained churn after the isolated changes: for each rate, a phase on each federation in turn (or the first only;
     * the federation that goes first rotates from one rate to the next), each phase writing {@code rate x churnDuration}
     * changes without waiting for ACKs.
     */
    private List<Churn> churn(List<Run> runs) throws Exception {
        List<Churn> results = new ArrayList<>();
        if (config.churnRates().isEmpty()) return results;
        List<Run> targets = config.churnAllFederations() ? runs : List.of(runs.getFirst());
        long base = 100_000; // requestTimeout seconds, far from the isolated changes' (2 + change)
        for (int i = 0; i < config.churnRates().size(); i++) {
            double rate = config.churnRates().get(i);
            for (int j = 0; j < targets.size(); j++) {
                Run run = targets.get((i + j) % targets.size()); // which federation goes first rotates from rate to rate
                int n = config.churnChanges(rate);
                results.add(churnPhase(run, rate, n, base));
                base += n + 1_000;
            }
        }
        return results;
    }

    private Churn churnPhase(Run run, double rate, int n, long base) throws Exception {
        out.printf("sustained churn, window %s: %s changes/s for %.1f s (%d changes, no settle) ... ", run.window(), fmt(rate),
                config.churnDuration().toMillis() / 1000.0, n);
        out.flush();
        Federation fed = run.fed();
        List<AdsClient> clients = all(run.fleets());
        ChurnRecorder rec = new ChurnRecorder(base, n, clients);
        try {
            long[] cpu0 = cpu(fed);
            long interval = Math.round(1e9 / rate);
            long[] putNanos = new long[n];
            long maxLag = 0;
            long t0 = System.nanoTime();
            long lastSent = t0;
            for (int k = 0; k < n; k++) {
                long due = t0 + k * interval;
                long now;
                while ((now = System.nanoTime()) < due) java.util.concurrent.locks.LockSupport.parkNanos(due - now);
                maxLag = Math.max(maxLag, now - due);
                rec.sending(k, now);
                lastSent = now;
                fed.put(fed.global().baseUri(), "/meshes/default/meshtimeouts/bench", PolicyBodies.backendRequestTimeout(rec.timeoutSeconds(k) + "s"));
                putNanos[k] = System.nanoTime() - now;
            }
            long stop = System.nanoTime();
            int last = n - 1;
            int notAckedByAll = last - rec.minNewest();
            long pending = rec.pending(last);
            long behind = rec.clientsBehind(last);
            long deadline = stop + Duration.ofMinutes(2).toNanos();
            while (rec.minNewest() < last && System.nanoTime() < deadline) Thread.sleep(1); // polling a deadline-bounded condition
            long drained = System.nanoTime();
            long notDrained = rec.clientsBehind(last);
            long[] cpu1 = cpu(fed);
            long[] samples = rec.samples(last);
            double achieved = n < 2 ? rate : (n - 1) / ((lastSent - t0) / 1e9);
            Churn c = new Churn(run.window(), rate, round(config.churnDuration().toMillis() / 1000.0), clients.size(), n, round(achieved),
                    round(maxLag / 1e6), LatencyStats.ofNanos(putNanos), samples.length == 0 ? null : LatencyStats.ofNanos(samples),
                    (long) n * clients.size() - samples.length, notAckedByAll, pending, behind,
                    notDrained == 0 ? round((drained - stop) / 1e6) : null, notDrained,
                    round((cpu1[0] - cpu0[0]) / 1e6 / n), round((cpu1[1] - cpu0[1]) / 1e6 / n), round((cpu1[2] - cpu0[2]) / 1e6 / n));
            out.printf("p50 %s / p99 %s ms; at stop %d changes not ACKed by all, drained in %s%n",
                    c.changeToAck() == null ? "-" : Math.round(c.changeToAck().p50Ms()), c.changeToAck() == null ? "-" : Math.round(c.changeToAck().p99Ms()),
                    notAckedByAll, c.drainMs() == null ? "NOT within 2 min (" + notDrained + " clients behind)" : Math.round(c.drainMs()) + " ms");
            return c;
        } finally {
            ChurnRecorder.detach(clients);
            Thread.sleep(config.settle().toMillis()); // the last ACKs are processed before whatever comes next
        }
    }

    private static String fmt(double rate) {
        return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
    }

    /** CPU nanoseconds used so far by the control planes of every run but {@code measured} (idle while it is measured). */
    private static long othersCpu(List<Run> runs, int measured) {
        long sum = 0;
        for (int r = 0; r < runs.size(); r++) {
            if (r == measured) continue;
            long[] c = cpu(runs.get(r).fed());
            sum += c[0] + c[1];
        }
        return sum;
    }

    /** CPU nanoseconds used so far by the global, the zones together, and this JVM. */
    private static long[] cpu(Federation fed) {
        long zones = fed.zones().stream().mapToLong(z -> z.cp().cpuTime().toNanos()).sum();
        long self = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
        return new long[]{fed.global().cpuTime().toNanos(), zones, self};
    }

    /** Every client drops its stream and connection at once and reconnects on new connections at once. */
    private Storm storm(Federation fed, List<AdsClientFleet> fleets) throws Exception {
        out.print("reconnect storm: all clients drop and reconnect at once ... ");
        out.flush();
        for (AdsClientFleet f : fleets) f.close();
        fleets.clear();
        long t0 = System.nanoTime();
        for (Federation.Zone z : fed.zones()) {
            fleets.add(AdsClientFleet.connect(z.xdsAddress(), config.channelsPerZone(), nodeIds(z.name()), "backend", z.dataplaneToken()));
        }
        List<AdsClient> clients = all(fleets);
        long missing = 0;
        try {
            AdsClient.awaitAll(clients, c -> c.configured() || c.error() != null, Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
            missing = clients.stream().filter(c -> !c.configured() && c.error() == null).count();
        }
        long last = clients.stream().mapToLong(AdsClient::configuredNanos).max().orElse(t0);
        long errors = fleets.stream().mapToLong(AdsClientFleet::errors).sum();
        Storm s = new Storm(clients.size(), round((last - t0) / 1e9), errors, missing);
        out.printf("%.2f s, %d errors%n", s.allAckedSeconds(), errors + missing);
        return s;
    }

    private void printTable(List<ChangeAck> acks, List<Churn> churn, RestPut put, Kds kds, List<Heap> heaps, Storm storm) {
        out.println();
        out.printf("%-46s %s%n", "figure", "value");
        ChangeAck main = acks.getFirst();
        for (ChangeAck a : acks) {
            String ratio = a == main ? "" : String.format("  (p50 x%.2f, p99 x%.2f of %s)", a.latency().p50Ms() / main.latency().p50Ms(),
                    a.latency().p99Ms() / main.latency().p99Ms(), main.batchWindow());
            out.printf("%-46s p50 %.1f / p90 %.1f / p99 %.1f / max %.1f ms over %d samples (%d isolated changes x %d clients, %s settle)%s%n",
                    "change -> ACK by all (" + a.zones() + "x" + a.clients() / a.zones() + ", window " + a.batchWindow() + ")",
                    a.latency().p50Ms(), a.latency().p90Ms(), a.latency().p99Ms(), a.latency().maxMs(), a.latency().samples(), a.changes(),
                    a.clients(), config.settle().toMillis() + " ms", ratio);
            out.printf("%-46s CPU per change: global %.0f ms, zones %.0f ms, clients (this JVM) %.0f ms, idle other federation(s) %.0f ms;"
                            + " connect %.1f s%n", "",
                    a.globalCpuMsPerChange(), a.zonesCpuMsPerChange(), a.clientsJvmCpuMsPerChange(), a.otherFederationsCpuMsPerChange(),
                    a.connectSeconds());
        }
        out.printf("%-46s target p99 < 200 ms at 3 x 1000: %s%n", "", main.zones() == 3 && main.clients() == 3000
                ? (main.latency().p99Ms() < 200 ? "met" : "NOT met") : "(not this size)");
        for (Churn c : churn) {
            String lat = c.changeToAck() == null ? "no samples" : String.format("p50 %.1f / p90 %.1f / p99 %.1f / max %.1f ms over %d samples",
                    c.changeToAck().p50Ms(), c.changeToAck().p90Ms(), c.changeToAck().p99Ms(), c.changeToAck().maxMs(), c.changeToAck().samples());
            out.printf("%-46s %s (%d changes x %d clients%s)%n", "churn " + fmt(c.ratePerSecond()) + "/s for " + fmt(c.durationSeconds()) + " s (window "
                    + c.batchWindow() + ")", lat, c.changes(), c.clients(), c.samplesMissing() == 0 ? "" : ", " + c.samplesMissing() + " missing");
            out.printf("%-46s at stop: %d changes not ACKed by all (%d client-changes pending, %d clients behind); drained in %s;"
                            + " sent %.1f/s (max lag %.0f ms, PUT p99 %.1f ms); CPU per change: global %.0f, zones %.0f, clients %.0f ms%n", "",
                    c.changesNotAckedByAllAtStop(), c.clientChangesPendingAtStop(), c.clientsBehindAtStop(),
                    c.drainMs() == null ? "NOT within 2 min (" + c.clientsNotDrained() + " clients)" : String.format("%.0f ms", c.drainMs()),
                    c.achievedRatePerSecond(), c.maxSendLagMs(), c.putLatency().p99Ms(), c.globalCpuMsPerChange(), c.zonesCpuMsPerChange(),
                    c.clientsJvmCpuMsPerChange());
        }
        out.printf("%-46s %.0f PUT/s, p50 %.2f / p99 %.2f ms, %d errors, global CPU %d us/PUT; all zones had them %.2f s after the last%n",
                "REST PUT at the global (" + put.puts() + ")", put.putsPerSecond(), put.latency().p50Ms(), put.latency().p99Ms(),
                put.errors(), put.globalCpuMicrosPerPut(), put.zonesHaveAllSeconds());
        out.printf("%-46s full %.0f ms, resume with no change %.0f ms (median of %d; full/resume x%.1f; resume received %d resources)%n",
                "KDS sync of " + kds.resources() + " resources", kds.fullMedianMs(), kds.resumeMedianMs(), kds.fullResyncMs().size(),
                kds.fullMedianMs() / Math.max(1, kds.resumeMedianMs()), kds.resumeResourcesReceived());
        if (kds.zoneRestartEmptyDataDirReadySeconds() != null) {
            out.printf("%-46s empty data dir: ready %.1f s (KDS sync %s ms); with data dir: ready %.1f s (restored %s)%n",
                    "zone CP restart to ready", kds.zoneRestartEmptyDataDirReadySeconds(), kds.zoneRestartEmptyDataDirSyncMs(),
                    kds.zoneRestartWithDataDirReadySeconds(), kds.zoneRestartWithDataDirRestored());
        }
        for (Heap h : heaps) {
            out.printf("%-46s %.1f KB (%d clients; %.1f -> %.1f MB used after GC); target < 100 KB: %s%n", "zone heap per client (" + h.zone() + ")",
                    h.kbPerClient(), h.clients(), h.usedBeforeBytes() / 1048576.0, h.usedAfterBytes() / 1048576.0, h.kbPerClient() < 100 ? "met" : "NOT met");
        }
        if (storm != null) {
            out.printf("%-46s all ACKed in %.2f s, %d stream errors, %d not configured; target 1000 in < 5 s, no errors%n",
                    "reconnect storm (" + storm.clients() + " clients)", storm.allAckedSeconds(), storm.streamErrors(), storm.notConfigured());
        }
    }

    private Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("size", config.size());
        p.put("zones", config.zones());
        p.put("clientsPerZone", config.clientsPerZone());
        p.put("connectionsPerZone", config.channelsPerZone());
        p.put("changes", config.changes());
        p.put("warmupChanges", config.warmupChanges());
        p.put("settle", config.settle().toMillis() + "ms");
        p.put("churnRatesPerSecond", config.churnRates());
        p.put("churnDuration", config.churnDuration().toMillis() + "ms");
        p.put("churnFederations", config.churnAllFederations() ? "all" : "main");
        p.put("kdsRepeats", config.kdsRepeats());
        p.put("puts", config.puts());
        p.put("putWarmup", config.putWarmup());
        p.put("putConcurrency", config.concurrency());
        p.put("batchWindows", config.batchWindows().stream().map(d -> d.toMillis() + "ms").toList());
        p.put("store", "memory (global and zones)");
        p.put("clients", "SotW ADS streams (LDS, RDS, CDS, EDS for one service), ACK every response, in the benchmark JVM");
        return p;
    }

    private void write(String name, String when, Machine machine, String loadBefore, String loadAfter, Map<String, Object> params,
                       Object results) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", name);
        doc.put("date", when);
        doc.put("machine", machine);
        doc.put("note", "the global, the zones and the simulated clients share the machine's " + machine.cores() + " cores");
        doc.put("loadAverageBeforeRun", loadBefore);
        doc.put("loadAverageAfterRun", loadAfter);
        doc.put("parameters", params);
        doc.put("results", results);
        JSON.writeValue(config.outDir().resolve(name + ".json").toFile(), doc);
    }

    private static List<AdsClient> all(List<AdsClientFleet> fleets) {
        return fleets.stream().flatMap(f -> f.clients().stream()).toList();
    }

    private static double median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
