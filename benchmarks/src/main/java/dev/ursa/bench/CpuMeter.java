package dev.ursa.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * CPU used during a phase by the load generator (this JVM), the server process, and the whole machine (Linux
 * {@code /proc/stat}, which also covers Postgres). On a shared 2-core box these say who was the bottleneck.
 */
public final class CpuMeter {

    /** CPU seconds per side, and how busy all cores were on average (0-100), when the OS tells us. */
    public record Usage(double loadGeneratorCpuSeconds, double serverCpuSeconds, Double machineBusyPercent) {
    }

    private final GlobalCp server;
    private final long clientStartNanos;
    private final Duration serverStart;
    private final Optional<long[]> machineStart;

    private CpuMeter(GlobalCp server) {
        this.server = server;
        this.clientStartNanos = clientCpuNanos();
        this.serverStart = server.cpuTime();
        this.machineStart = machineTicks();
    }

    public static CpuMeter start(GlobalCp server) {
        return new CpuMeter(server);
    }

    public Usage stop() {
        double client = (clientCpuNanos() - clientStartNanos) / 1e9;
        double srv = server.cpuTime().minus(serverStart).toNanos() / 1e9;
        Double busy = machineStart.flatMap(start -> machineTicks().map(end -> busyPercent(start, end))).orElse(null);
        return new Usage(Math.round(client * 100) / 100.0, Math.round(srv * 100) / 100.0, busy);
    }

    private static long clientCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** How busy all cores were between two {@link #machineTicks()} readings (0-100), or null when no time passed. */
    static Double busyPercent(long[] start, long[] end) {
        long total = 0;
        long idle = 0;
        for (int i = 0; i < end.length; i++) {
            long d = end[i] - start[i];
            total += d;
            if (i == 3 || i == 4) idle += d; // idle and iowait columns
        }
        return total == 0 ? null : Math.round(1000.0 * (total - idle) / total) / 10.0;
    }

    /** The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal. */
    static Optional<long[]> machineTicks() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = first.trim().split("\\s+");
            return Optional.of(Arrays.stream(f, 1, Math.min(f.length, 9)).mapToLong(Long::parseLong).toArray());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
