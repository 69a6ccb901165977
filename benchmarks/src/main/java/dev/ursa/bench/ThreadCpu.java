package dev.ursa.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time of this JVM's threads during a phase, summed per group of thread names (ThreadMXBean). A thread started
 * during the phase counts from zero; one that ended during it is lost (give the measured side fixed pools). GC and JIT
 * threads are not Java threads: they show up only in the process CPU, as the unattributed remainder.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final String CSR = "ursa-csr (signing pool)";
    static final String ZONE_GRPC = "zone gRPC server (" + CsrZone.SERVER_THREADS + "*)";
    static final String URSA = "ursa-* (engine, auth)";
    static final String GRPC_DEFAULT = "grpc-* (default pools)";
    static final String DRIVER = "benchmark driver";
    static final List<String> ZONE_GROUPS = List.of(CSR, ZONE_GRPC, URSA, GRPC_DEFAULT, DRIVER);

    private final Function<String, String> groupOf;
    private final Map<Long, Long> startNanos;
    private final long processStartNanos;

    private ThreadCpu(Function<String, String> groupOf) {
        if (!THREADS.isThreadCpuTimeSupported()) throw new IllegalStateException("this JVM cannot measure thread CPU time");
        THREADS.setThreadCpuTimeEnabled(true);
        this.groupOf = groupOf;
        this.processStartNanos = CertificateBenchmark.processCpuNanos();
        this.startNanos = snapshot();
    }

    /** Starts measuring; {@code groupOf} names the group of a thread by its name. */
    static ThreadCpu start(Function<String, String> groupOf) {
        return new ThreadCpu(groupOf);
    }

    /** CPU milliseconds per group since the start, plus {@code process} (the whole JVM) and {@code unattributed}. */
    Map<String, Double> stop(List<String> order) {
        long process = CertificateBenchmark.processCpuNanos() - processStartNanos;
        Map<String, Long> perGroup = new HashMap<>();
        long attributed = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) continue;
            long now = THREADS.getThreadCpuTime(info.getThreadId());
            if (now < 0) continue;
            long used = now - startNanos.getOrDefault(info.getThreadId(), 0L);
            perGroup.merge(groupOf.apply(info.getThreadName()), used, Long::sum);
            attributed += used;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String group : order) out.put(group, ms(perGroup.getOrDefault(group, 0L)));
        perGroup.forEach((group, nanos) -> out.putIfAbsent(group, ms(nanos)));
        out.put("process", ms(process));
        out.put("unattributed (GC, JIT, ended threads)", ms(process - attributed));
        return out;
    }

    /**
     * The zone's threads by name: its CSR signing pool, the CSR runner's own gRPC server threads, the engine's and the
     * authenticator's ({@code ursa-*}, {@code trusted-*}); gRPC's default pools (clients, and in runners that do not
     * give the server its own threads, the server too); the benchmark's own.
     */
    static String zoneGroup(String thread) {
        if (thread.startsWith("ursa-csr-")) return CSR;
        if (thread.startsWith(CsrZone.SERVER_THREADS)) return ZONE_GRPC;
        if (thread.startsWith("ursa-") || thread.startsWith("trusted-")) return URSA;
        if (thread.startsWith("grpc-")) return GRPC_DEFAULT;
        if (thread.startsWith("bench-") || thread.equals("main")) return DRIVER;
        return "other";
    }

    private static Map<Long, Long> snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) cpu.put(id, nanos);
        }
        return cpu;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
