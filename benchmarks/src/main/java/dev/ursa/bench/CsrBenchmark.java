package dev.ursa.bench;

import com.google.protobuf.ByteString;
import dev.ursa.workload.v1.SignRequest;
import dev.ursa.zone.xds.auth.XdsAuthMode;
import io.micrometer.core.instrument.Timer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Proxyless mTLS at scale: N workloads that hold their own keys each send a PKCS#10 CSR to the zone's workload
 * certificate service ({@code ursa.workload.v1.WorkloadCertificates/Sign}) with their own dataplane token, in one JVM
 * with the zone's {@code XdsEngine} and the service on a real grpc-netty server ({@link CsrZone}). Keys, CSRs and tokens
 * are made before the measured window ({@link CsrWorkloads}); the calls ({@link CsrCalls}) run with a bounded number in
 * flight and retry RESOURCE_EXHAUSTED / UNAVAILABLE. Reports the signing rate, client-observed latency, the zone's CPU
 * per signature (its threads by name, and the whole process), retries and the spread of the renewals the responses
 * ask for ({@code renew_after}). With {@code --with-sds} it then runs {@link CertificateBenchmark}'s mesh mTLS off and
 * on phases for the same N (Envoy dataplanes, certificates issued by the engine over SDS; renewals not awaited) and
 * prints both paths side by side.
 *
 * <pre>java -Xmx6g -cp ... dev.ursa.bench.CsrBenchmark 10000 300s --with-sds [--in-flight=64] [--channels=4] [--auth=dp-token|none]</pre>
 */
public final class CsrBenchmark {

    record Options(int workloads, String lifetime, boolean withSds, int inFlight, int channels, XdsAuthMode auth) {
        static Options parse(String[] args) {
            int n = 10_000;
            String lifetime = "300s";
            boolean sds = false;
            int inFlight = 64;
            int channels = 4;
            XdsAuthMode auth = XdsAuthMode.DP_TOKEN;
            int positional = 0;
            for (String a : args) {
                if (a.equals("--with-sds")) sds = true;
                else if (a.startsWith("--in-flight=")) inFlight = Integer.parseInt(a.substring("--in-flight=".length()));
                else if (a.startsWith("--channels=")) channels = Integer.parseInt(a.substring("--channels=".length()));
                else if (a.equals("--auth=none")) auth = XdsAuthMode.NONE;
                else if (a.equals("--auth=dp-token")) auth = XdsAuthMode.DP_TOKEN;
                else if (a.startsWith("--")) throw new IllegalArgumentException("unknown option " + a
                        + " (options: --with-sds, --in-flight=<calls>, --channels=<connections>, --auth=dp-token|none)");
                else if (positional++ == 0) n = Integer.parseInt(a);
                else lifetime = a;
            }
            return new Options(n, lifetime, sds, inFlight, channels, auth);
        }

        String authentication() {
            return auth == XdsAuthMode.NONE ? "none (ursa.xds.auth=none)" : "dataplane tokens (one per workload, RS256, Bearer)";
        }
    }

    /** The proxyless path's figures. CPU in milliseconds; per-signature figures over the signed count. */
    record CsrResult(String authentication, int workloads, int signed, int failures, String firstFailure, int retries, int inFlight,
                     int channels, double allSignedS, double signaturesPerSecond, LatencyStats latency, Map<String, Double> threadCpuMs,
                     double zoneCpuMsPerSignature, double csrPoolCpuMsPerSignature, double zoneGrpcCpuMsPerSignature,
                     double processCpuMsPerSignature, Double machineBusyPercent, Double serverSignMeanMs, Double serverSignMaxMs,
                     CsrWorkloads.Cost tokenMinting, CsrWorkloads.Cost keyAndCsr, Map<String, Object> rotation) {
    }

    /** One row of the side-by-side table. */
    record Row(String path, int certificates, double allCertifiedS, double certificatesPerSecond, Double zoneCpuMsPerCertificate,
               Double processCpuMsPerCertificate, Double p99Ms, String latencyIs, Integer retries, String authentication,
               String loadAverageAtStart) {
    }

    public static void main(String[] args) throws Exception {
        XdsClientsBenchmark.logLikeTheZone();
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("CsrBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        Results results = Results.start("csr");
        PrintStream out = System.out;
        Machine m = results.machine();
        out.printf("Ursa workload certificate service (CSR) benchmark, %s%n", results.date());
        out.printf("machine: %d cores, %.1f GiB, %s; Java %s; load average before the run (1, 5, 15 min): %s%n",
                m.cores(), m.memoryGiB(), m.cpuModel(), m.javaVersion(), results.loadBefore());
        out.printf("%d workloads, certificates of %s, %d calls in flight over %d connections, authentication: %s%s%n",
                o.workloads(), o.lifetime(), o.inFlight(), o.channels(), o.authentication(), o.withSds() ? "; then the SDS path for the same N" : "");

        String csrLoad = Benchmarks.loadAverage();
        CsrResult csr = runCsr(o, out);
        List<Row> rows = new ArrayList<>();
        rows.add(csrRow(csr, csrLoad));
        List<CertificateBenchmark.Result> sds = List.of();
        if (o.withSds()) {
            out.printf("%nEnvoy/SDS path (CertificateBenchmark phases, renewals not awaited), %d dataplanes; load average now %s%n",
                    o.workloads(), Benchmarks.loadAverage());
            CertificateBenchmark.Result off = CertificateBenchmark.run(o.workloads(), false, o.lifetime(), false);
            String onLoad = Benchmarks.loadAverage();
            out.printf("  load average before mTLS on: %s%n", onLoad);
            CertificateBenchmark.Result on = CertificateBenchmark.run(o.workloads(), true, o.lifetime(), false);
            sds = List.of(off, on);
            rows.add(sdsRow(off, on, onLoad));
        }
        printTable(out, rows);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("workloads", o.workloads());
        params.put("services", 100);
        params.put("certificateLifetime", o.lifetime());
        params.put("renewFraction", 0.8);
        params.put("inFlight", o.inFlight());
        params.put("channels", o.channels());
        params.put("authentication", o.authentication());
        params.put("withSds", o.withSds());
        params.put("clientsAre", "one Sign call per workload (own EC P-256 key, PKCS#10 CSR, own dataplane token), async grpc-java stubs, same JVM as the zone");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("csr", csr);
        if (!sds.isEmpty()) doc.put("sds", sds);
        doc.put("sideBySide", rows);
        out.println("JSON: " + results.write("the zone (engine, certificate service, its gRPC server) and the simulated workloads share one JVM on the machine's "
                + m.cores() + " cores", params, doc));
        System.exit(csr.failures() == 0 ? 0 : 1);
    }

    static CsrResult runCsr(Options o, PrintStream out) throws Exception {
        int n = o.workloads();
        long t0 = System.nanoTime();
        try (CsrZone zone = new CsrZone(n, o.lifetime(), o.auth())) {
            out.printf("zone up with %d Dataplanes in %.1f s (port %d)%n", n, (System.nanoTime() - t0) / 1e9, zone.port());
            CsrWorkloads w = CsrWorkloads.prepare(n, CsrZone::nodeId, zone::token);
            out.printf("before the window (not in the zone's figures): %d dataplane tokens minted in %.1f s (%.3f ms CPU each),"
                            + " %d EC P-256 keys + CSRs in %.1f s (%.3f ms CPU each)%n",
                    n, w.tokenCost().wallMs() / 1000, w.tokenCost().cpuMsEach(), n, w.csrCost().wallMs() / 1000, w.csrCost().cpuMsEach());
            CsrCalls calls = new CsrCalls(zone.port(), w, o.inFlight(), o.channels());
            try {
                // Connections up, and the first signature's class loading, before the window (workload 0 signs once more).
                calls.connect(SignRequest.newBuilder().setNodeId(w.nodeIds()[0]).setCsr(ByteString.copyFrom(w.csrs()[0])).build(), w.tokens()[0]);
                Timer sign = zone.signTimer();
                long signCount0 = sign.count();
                double signTotal0 = sign.totalTime(TimeUnit.NANOSECONDS);
                System.gc();
                long[] ticks0 = CpuMeter.machineTicks().orElse(null);
                long epochStart = System.currentTimeMillis();
                ThreadCpu cpu = ThreadCpu.start(ThreadCpu::zoneGroup);
                CsrCalls.Outcome r = calls.run(Duration.ofMinutes(30));
                Map<String, Double> threadCpu = cpu.stop(ThreadCpu.ZONE_GROUPS);
                Double busy = ticks0 == null ? null : CpuMeter.machineTicks().map(t1 -> CpuMeter.busyPercent(ticks0, t1)).orElse(null);
                long signed = sign.count() - signCount0;
                Double signMean = signed == 0 ? null : round((sign.totalTime(TimeUnit.NANOSECONDS) - signTotal0) / signed / 1e6);
                Double signMax = signed == 0 ? null : round(sign.max(TimeUnit.MILLISECONDS));
                return result(o, w, r, threadCpu, busy, signMean, signMax, epochStart, out);
            } finally {
                calls.close();
            }
        }
    }

    private static CsrResult result(Options o, CsrWorkloads w, CsrCalls.Outcome r, Map<String, Double> threadCpu, Double busy,
                                    Double signMean, Double signMax, long epochStart, PrintStream out) {
        int ok = o.workloads() - r.failures();
        long[] latencies = Arrays.stream(r.latencyNanos()).filter(l -> l >= 0).toArray();
        LatencyStats latency = latencies.length == 0 ? null : LatencyStats.ofNanos(latencies);
        double wallS = r.wallNanos() / 1e9;
        double csrPool = threadCpu.get(ThreadCpu.CSR);
        double zoneGrpc = threadCpu.get(ThreadCpu.ZONE_GRPC);
        double zone = csrPool + zoneGrpc + threadCpu.get(ThreadCpu.URSA);
        double per = Math.max(1, ok);
        Map<String, Object> rotation = rotation(r, epochStart);
        CsrResult result = new CsrResult(o.authentication(), o.workloads(), ok, r.failures(), r.firstFailure(), r.retries(), o.inFlight(),
                o.channels(), round(wallS), round(ok / wallS), latency, threadCpu, round(zone / per), round(csrPool / per),
                round(zoneGrpc / per), round(threadCpu.get("process") / per), busy, signMean, signMax, w.tokenCost(), w.csrCost(), rotation);
        out.printf("%nproxyless CSR: %d of %d signed in %.2f s (%.0f signatures/s), %d retries, %d failed%s%n", ok, o.workloads(), wallS,
                ok / wallS, r.retries(), r.failures(), r.firstFailure() == null ? "" : " (first: " + r.firstFailure() + ")");
        if (latency != null) {
            out.printf("  latency (call start -> response): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    latency.p50Ms(), latency.p90Ms(), latency.p99Ms(), latency.maxMs());
        }
        out.printf("  CPU per signature: zone %.3f ms (ursa-csr pool %.3f, zone gRPC server %.3f, ursa-* %.3f); whole process %.3f ms;"
                        + " machine busy %s%%%n", zone / per, csrPool / per, zoneGrpc / per, threadCpu.get(ThreadCpu.URSA) / per,
                threadCpu.get("process") / per, busy);
        out.printf("  CPU in the window by thread group (ms): %s%n", threadCpu);
        out.printf("  server sign time (verify CSR + sign, on the pool): mean %s ms, max %s ms%n", signMean, signMax);
        out.printf("  rotation: renewals due over %s s, at most %s workloads (%s %%) due in one second, the first %s s after the run started%n",
                rotation.get("spanS"), rotation.get("maxDueInOneSecond"), rotation.get("maxSharePerSecondPct"), rotation.get("firstDueAfterStartS"));
        return result;
    }

    /** From every response's renew_after: how many workloads come back in each second, the largest share and the span. */
    static Map<String, Object> rotation(CsrCalls.Outcome r, long epochStart) {
        TreeMap<Long, Integer> perSecond = new TreeMap<>();
        long lifetimeMs = -1;
        int n = 0;
        for (int i = 0; i < r.renewAfterMillis().length; i++) {
            long due = r.renewAfterMillis()[i];
            if (due < 0) continue;
            n++;
            perSecond.merge(Math.floorDiv(due, 1000), 1, Integer::sum);
            lifetimeMs = Math.max(lifetimeMs, r.notAfterMillis()[i] - r.notBeforeMillis()[i]);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == 0) return out;
        int max = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        out.put("certificateValidityS", round(lifetimeMs / 1000.0));
        out.put("firstDueAfterStartS", round((perSecond.firstKey() * 1000 - epochStart) / 1000.0));
        out.put("lastDueAfterStartS", round((perSecond.lastKey() * 1000 + 999 - epochStart) / 1000.0));
        out.put("spanS", perSecond.lastKey() - perSecond.firstKey() + 1);
        out.put("maxDueInOneSecond", max);
        out.put("maxSharePerSecondPct", round(100.0 * max / n));
        return out;
    }

    private static Row csrRow(CsrResult r, String load) {
        return new Row("proxyless: agent CSR -> Sign", r.signed(), r.allSignedS(), r.signaturesPerSecond(), r.zoneCpuMsPerSignature(),
                r.processCpuMsPerSignature(), r.latency() == null ? null : r.latency().p99Ms(), "call start -> response", r.retries(),
                r.authentication(), load);
    }

    /**
     * The engine issues the key and the certificate itself. Zone CPU per certificate: the engine's threads (mTLS on minus
     * off, over N; its gRPC threads are shared with the simulated dataplanes and not counted); process: on minus off.
     */
    private static Row sdsRow(CertificateBenchmark.Result off, CertificateBenchmark.Result on, String load) {
        int n = on.dataplanes();
        double engineOn = on.threadCpuMs().get(ThreadCpu.URSA);
        double engineOff = off.threadCpuMs().get(ThreadCpu.URSA);
        double allS = on.configuredMs() / 1000.0;
        return new Row("Envoy: engine issues over SDS", on.certificates() == null ? 0 : on.certificates().intValue(), round(allS), round(n / allS),
                round((engineOn - engineOff) / n), round(on.cpuMsPerDataplane() - off.cpuMsPerDataplane()),
                on.streamToCertificate() == null ? null : on.streamToCertificate().p99Ms(), "stream open -> first certificate", null,
                "none (engine without authenticator)", load);
    }

    private static void printTable(PrintStream out, List<Row> rows) {
        out.println();
        out.printf("%-32s %7s %10s %8s %12s %12s %9s %8s %15s  %s%n", "path", "certs", "all in s", "certs/s", "zone CPU/ms", "process/ms",
                "p99 ms", "retries", "load at start", "p99 is / authentication");
        for (Row r : rows) {
            out.printf("%-32s %7d %10.2f %8.0f %12s %12s %9s %8s %15s  %s / %s%n", r.path(), r.certificates(), r.allCertifiedS(),
                    r.certificatesPerSecond(), fmt(r.zoneCpuMsPerCertificate()), fmt(r.processCpuMsPerCertificate()), fmt(r.p99Ms()),
                    Optional.ofNullable(r.retries()).map(String::valueOf).orElse("-"), r.loadAverageAtStart(), r.latencyIs(), r.authentication());
        }
        out.println("  zone CPU per certificate: proxyless = ursa-csr pool + the zone's own gRPC server threads + ursa-* threads, over the"
                + " signatures; SDS = the engine's ursa-* threads, mTLS on minus off, over N (its gRPC threads are shared with the clients).");
        out.println("  process: the whole JVM (zone and simulated clients, GC, JIT) per certificate; SDS: mTLS on minus off per dataplane.");
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format("%.3f", v);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
