package dev.ursa.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parameters of {@link FederationBenchmark}: {@code --name=value} arguments or {@code -Dfed.<name>=value}. {@code --size}
 * picks a preset (small: 2 zones x 200 clients, the default, under 5 minutes on 2 cores; large: 3 x 1000;
 * single: 1 x 10 000); explicit {@code --zones} / {@code --clients} override it. {@code --settle} (200ms) is the pause
 * after every client has ACKed a change and before the next one: the control planes process those ACKs meanwhile, so
 * each change meets a quiet system, as an operator's isolated change does; its CPU is still counted with the change.
 * {@code --warmupChanges} (30) are made and not measured: the JIT needs about that many before the push path runs
 * compiled (with 5, the slowest ACK per change still fell from ~290 to ~90 ms over the measured changes).
 * {@code --churnRates} (5,20 changes per second) and {@code --churnDuration} (30s): after the isolated changes, the same
 * run writes changes at each rate for that long without waiting for ACKs or settling (sustained churn), on every
 * federation ({@code --churnFederations=all}) or the first only ({@code main}); {@code --churnRates=none} skips it.
 * {@code --dpTokens} ({@code on}, the default, or {@code off}): whether the zones authenticate the simulated xDS clients
 * with dataplane tokens or run with {@code ursa.xds.auth=none}; run both to compare connect time and change-to-ACK.
 */
public record FederationConfig(
        String size,
        int zones,
        int clientsPerZone,
        int channelsPerZone,
        int changes,
        int warmupChanges,
        int puts,
        int putWarmup,
        int concurrency,
        int kdsRepeats,
        List<Duration> batchWindows,
        Duration settle,
        List<Double> churnRates,
        Duration churnDuration,
        boolean churnAllFederations,
        boolean storm,
        boolean zoneRestart,
        boolean dataplaneTokens,
        Path repoRoot,
        Path outDir) {

    private static final Set<String> NAMES = Set.of("size", "zones", "clients", "channels", "changes", "warmupChanges", "puts",
            "putWarmup", "concurrency", "kdsRepeats", "batchWindows", "settle", "churnRates", "churnDuration", "churnFederations", "storm", "zoneRestart", "dpTokens", "repoRoot", "out");
    private static final Map<String, int[]> SIZES = Map.of("small", new int[]{2, 200}, "large", new int[]{3, 1000}, "single", new int[]{1, 10_000});

    public FederationConfig {
        if (zones < 1 || clientsPerZone < 1 || changes < 1) throw new IllegalArgumentException("zones, clients and changes must be >= 1");
        if (batchWindows.isEmpty()) throw new IllegalArgumentException("batchWindows names no window");
        batchWindows = List.copyOf(batchWindows);
        churnRates = List.copyOf(churnRates);
        for (double r : churnRates) if (!(r > 0 && r <= 1000)) throw new IllegalArgumentException("churnRates must be in (0, 1000] per second, got " + r);
        if (!churnRates.isEmpty() && churnDuration.toMillis() < 100) throw new IllegalArgumentException("churnDuration must be at least 100ms");
    }

    public static FederationConfig from(String[] args) {
        Properties p = new Properties();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("fed.")) p.setProperty(k.toString().substring(4), v.toString());
        });
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) throw new IllegalArgumentException("arguments are --name=value, got: " + arg);
            p.setProperty(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        for (String name : p.stringPropertyNames()) {
            if (!NAMES.contains(name)) throw new IllegalArgumentException("unknown parameter " + name + "; known: " + new TreeSet<>(NAMES));
        }
        String size = p.getProperty("size", "small");
        int[] preset = SIZES.get(size);
        if (preset == null) throw new IllegalArgumentException("size must be one of " + SIZES.keySet() + ", got " + size);
        Path root = p.containsKey("repoRoot") ? Path.of(p.getProperty("repoRoot")).toAbsolutePath() : BenchConfig.findRepoRoot();
        return new FederationConfig(size,
                intProp(p, "zones", preset[0]),
                intProp(p, "clients", preset[1]),
                intProp(p, "channels", 16),
                intProp(p, "changes", 50),
                intProp(p, "warmupChanges", 30),
                intProp(p, "puts", 2000),
                intProp(p, "putWarmup", 500),
                intProp(p, "concurrency", 8),
                intProp(p, "kdsRepeats", 3),
                Arrays.stream(p.getProperty("batchWindows", "20ms,0ms").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(FederationConfig::duration).toList(),
                duration(p.getProperty("settle", "200ms")),
                rates(p.getProperty("churnRates", "5,20")),
                duration(p.getProperty("churnDuration", "30s")),
                churnFederations(p.getProperty("churnFederations", "all")),
                Boolean.parseBoolean(p.getProperty("storm", "true")),
                Boolean.parseBoolean(p.getProperty("zoneRestart", "true")),
                onOff(p.getProperty("dpTokens", "on")),
                root,
                p.containsKey("out") ? Path.of(p.getProperty("out")).toAbsolutePath() : root.resolve("benchmarks/target/benchmarks"));
    }

    public Path globalCpJar() {
        return repoRoot.resolve("global-cp/target/quarkus-app/quarkus-run.jar");
    }

    public Path zoneCpJar() {
        return repoRoot.resolve("zone-cp/target/quarkus-app/quarkus-run.jar");
    }

    private static List<Double> rates(String s) {
        if (s.isBlank() || s.trim().equals("none")) return List.of();
        try {
            return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Double::parseDouble).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("churnRates is a list of changes per second (e.g. 5,20) or none, got " + s);
        }
    }

    private static boolean onOff(String s) {
        return switch (s.trim()) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("dpTokens is on or off, got " + s);
        };
    }

    private static boolean churnFederations(String s) {
        return switch (s.trim()) {
            case "all" -> true;
            case "main" -> false;
            default -> throw new IllegalArgumentException("churnFederations is all or main, got " + s);
        };
    }

    /** The number of changes a churn phase at {@code rate} per second writes. */
    public int churnChanges(double rate) {
        return Math.max(1, (int) Math.round(rate * churnDuration.toMillis() / 1000.0));
    }

    static Duration duration(String s) {
        if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        if (s.endsWith("s")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        throw new IllegalArgumentException("a duration is written 20ms or 1s, got " + s);
    }

    static int intProp(Properties p, String name, int dflt) {
        String v = p.getProperty(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.replace("_", "").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got: " + v);
        }
    }
}
