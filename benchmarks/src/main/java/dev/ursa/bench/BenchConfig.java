package dev.ursa.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters of one run. Every field is a {@code -Dbench.<name>=...} system property or a
 * {@code --<name>=...} argument (arguments win); the defaults are the figures and finish in under 3 minutes
 * on a 2-core machine.
 */
public record BenchConfig(
        int resources,
        int warmup,
        int concurrency,
        List<StoreKind> stores,
        List<Suite> suites,
        int starts,
        BodyFormat format,
        String pgHost,
        int pgPort,
        String pgUser,
        Path repoRoot,
        Path outDir) {

    private static final Set<String> NAMES = Set.of("resources", "warmup", "concurrency", "stores", "suites", "starts", "format",
            "pgHost", "pgPort", "pgUser", "repoRoot", "out");

    public enum Suite { put, startup }

    public enum BodyFormat { json, yaml }

    public BenchConfig {
        if (resources < 1) throw new IllegalArgumentException("bench.resources must be >= 1, got " + resources);
        if (warmup < 0) throw new IllegalArgumentException("bench.warmup must be >= 0, got " + warmup);
        if (concurrency < 1) throw new IllegalArgumentException("bench.concurrency must be >= 1, got " + concurrency);
        if (starts < 1) throw new IllegalArgumentException("bench.starts must be >= 1, got " + starts);
        if (stores.isEmpty()) throw new IllegalArgumentException("bench.stores names no store");
        stores = List.copyOf(stores);
        suites = List.copyOf(suites);
    }

    public static BenchConfig from(String[] args) {
        Properties p = new Properties();
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("bench.")) p.setProperty(key.substring("bench.".length()), v.toString());
        });
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("arguments are --name=value (e.g. --resources=2000), got: " + arg);
            }
            int eq = arg.indexOf('=');
            p.setProperty(arg.substring(2, eq), arg.substring(eq + 1));
        }
        for (String name : p.stringPropertyNames()) {
            if (!NAMES.contains(name)) throw new IllegalArgumentException("unknown parameter " + name + "; known: " + new TreeSet<>(NAMES));
        }
        Path root = p.containsKey("repoRoot") ? Path.of(p.getProperty("repoRoot")).toAbsolutePath() : findRepoRoot();
        return new BenchConfig(
                intProp(p, "resources", 10_000),
                intProp(p, "warmup", 1_000),
                intProp(p, "concurrency", 8),
                list(p.getProperty("stores", "memory,postgres"), StoreKind.class),
                list(p.getProperty("suites", "put,startup"), Suite.class),
                intProp(p, "starts", 5),
                enumValue(BodyFormat.class, p.getProperty("format", "json")),
                p.getProperty("pgHost", "127.0.0.1"),
                intProp(p, "pgPort", 5432),
                p.getProperty("pgUser", "postgres"),
                root,
                p.containsKey("out") ? Path.of(p.getProperty("out")).toAbsolutePath() : root.resolve("benchmarks/target/benchmarks"));
    }

    public Path globalCpJar() {
        return repoRoot.resolve("global-cp/target/quarkus-app/quarkus-run.jar");
    }

    private static int intProp(Properties p, String name, int dflt) {
        String v = p.getProperty(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.replace("_", "").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench." + name + " must be a number, got: " + v);
        }
    }

    private static <E extends Enum<E>> List<E> list(String csv, Class<E> type) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> enumValue(type, s))
                .distinct()
                .toList();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** The working directory or the directory of this jar, whichever sits inside the repository. */
    static Path findRepoRoot() {
        Path fromCwd = walkUp(Path.of("").toAbsolutePath());
        if (fromCwd != null) return fromCwd;
        try {
            Path jar = Path.of(BenchConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path fromJar = walkUp(jar);
            if (fromJar != null) return fromJar;
        } catch (Exception e) {
            // fall through to the error below
        }
        throw new IllegalStateException("cannot find the Ursa repository root (a directory with global-cp/ and mesh-core/) from "
                + Path.of("").toAbsolutePath() + "; run from the repository or pass -Dbench.repoRoot=...");
    }

    private static Path walkUp(Path p) {
        while (p != null && !(Files.isDirectory(p.resolve("global-cp")) && Files.isDirectory(p.resolve("mesh-core")))) {
            p = p.getParent();
        }
        return p;
    }
}
