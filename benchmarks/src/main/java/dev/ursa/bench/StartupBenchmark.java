package dev.ursa.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * global-cp start-up time: from launching {@code java -jar quarkus-run.jar} until {@code /q/health/ready} answers 200,
 * several times on one store. On Postgres all starts use one fresh database, so the first start also creates the
 * schema and the later ones find it (a restart).
 */
public final class StartupBenchmark {

    public record Result(StoreKind store, String outcome, int starts, Double medianSeconds, Double maxSeconds, Double minSeconds,
                         List<Double> readySeconds, List<Double> quarkusReportedSeconds) {

        static Result failed(StoreKind store, int starts, String why) {
            return new Result(store, "error: " + why, starts, null, null, null, List.of(), List.of());
        }
    }

    private final BenchConfig config;

    public StartupBenchmark(BenchConfig config) {
        this.config = config;
    }

    public Result run(StoreKind kind) throws IOException, InterruptedException {
        List<Double> ready = new ArrayList<>();
        List<Double> reported = new ArrayList<>();
        try (StoreSetup store = StoreSetup.create(kind, config)) {
            for (int i = 1; i <= config.starts(); i++) {
                try (GlobalCp cp = GlobalCp.start(config.globalCpJar(), store, config.outDir().resolve("logs"), "startup-" + kind + "-" + i)) {
                    ready.add(cp.startup().toMillis() / 1000.0);
                    cp.quarkusReportedSeconds().ifPresent(reported::add);
                }
            }
            store.checkInUse();
        }
        double[] sorted = ready.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(kind, "ok", sorted.length, median(sorted), sorted[sorted.length - 1], sorted[0], ready, reported);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        double m = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return Math.round(m * 1000) / 1000.0;
    }
}
