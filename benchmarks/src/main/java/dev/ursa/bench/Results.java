package dev.ursa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where every runner writes its raw figures: one JSON document per run, {@code benchmarks/target/results/<runner>-<yyyyMMdd-HHmmss>.json}
 * under the repository root (the directory can be changed with {@code -Dursa.bench.results=<dir>}). Each document holds
 * the runner, the date, the machine, the load average before and after, the parameters and the results, so a table in
 * docs/benchmarks.md can be traced to (and regenerated from) the file it came from. Runs never overwrite each other.
 */
public final class Results {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final String runner;
    private final LocalDateTime started = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
    private final String date = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    private final String loadBefore = Benchmarks.loadAverage();
    private final Machine machine = Machine.current();

    private Results(String runner) {
        this.runner = runner;
    }

    /** Call at the start of a run: records the time, the machine and the load average before it. */
    public static Results start(String runner) {
        return new Results(runner);
    }

    public String date() {
        return date;
    }

    public String loadBefore() {
        return loadBefore;
    }

    public Machine machine() {
        return machine;
    }

    /** The file this run writes. */
    public Path file() {
        return dir().resolve(runner + "-" + FILE_STAMP.format(started) + ".json");
    }

    /** Writes the run's document (load average after = now) and returns its path. */
    public Path write(String note, Map<String, Object> parameters, Object results) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("runner", runner);
        doc.put("date", date);
        doc.put("machine", machine);
        doc.put("note", note);
        doc.put("loadAverageBeforeRun", loadBefore);
        doc.put("loadAverageAfterRun", Benchmarks.loadAverage());
        doc.put("command", ProcessHandle.current().info().commandLine().orElse(null));
        doc.put("parameters", parameters);
        doc.put("results", results);
        Path file = file();
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), doc);
        return file;
    }

    /** {@code -Dursa.bench.results}, else {@code benchmarks/target/results} under the repository root (or the working directory). */
    static Path dir() {
        String configured = System.getProperty("ursa.bench.results");
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath();
        Path root;
        try {
            root = BenchConfig.findRepoRoot();
        } catch (IllegalStateException e) {
            root = Path.of("").toAbsolutePath();
        }
        return root.resolve("benchmarks/target/results");
    }

    /** Median of {@code values} (mean of the middle two for an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** Median, min and max of per-round values (e.g. ratios of two variants measured in the same round). */
    public record Spread(double median, double min, double max, int rounds) {
        static Spread of(double[] values) {
            if (values.length == 0) throw new IllegalArgumentException("no rounds");
            return new Spread(round(Results.median(values)), round(Arrays.stream(values).min().orElseThrow()),
                    round(Arrays.stream(values).max().orElseThrow()), values.length);
        }

        @Override
        public String toString() {
            return String.format("%.3f (%.3f-%.3f over %d rounds)", median, min, max, rounds);
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
