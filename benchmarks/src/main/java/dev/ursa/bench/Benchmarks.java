package dev.ursa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the global-cp benchmarks against real processes in one go and writes {@code rest-put.json} and
 * {@code startup.json} (in {@code --out}), and both in one file per run, {@code benchmarks/target/results/benchmarks-<timestamp>.json}
 * ({@link Results}). Exits 1 when a measurement failed or a request errored, so a script can tell.
 * Parameters: see {@link BenchConfig}; how to read the figures: docs/benchmarks.md.
 */
public final class Benchmarks {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void main(String[] args) throws Exception {
        BenchConfig config;
        try {
            config = BenchConfig.from(args);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("benchmarks: " + e.getMessage());
            System.exit(2);
            return;
        }
        Results run = Results.start("benchmarks");
        Map<String, Object> all = new LinkedHashMap<>();
        Machine machine = run.machine();
        PrintStream out = System.out;
        String when = run.date();
        out.printf("Ursa global-cp benchmarks, %s%n", when);
        out.printf("machine: %d cores (shared by the global-cp, Postgres and this load generator), %.1f GiB, %s; %s; Java %s (%s)%n",
                machine.cores(), machine.memoryGiB(), machine.cpuModel(), machine.os(), machine.javaVersion(), machine.javaVendor());
        String loadAverage = run.loadBefore();
        out.printf("load average before the run (1, 5, 15 min): %s; anything else running skews the figures%n", loadAverage);
        out.printf("global-cp: %s%n", config.globalCpJar());
        Files.createDirectories(config.outDir());
        boolean allOk = true;

        if (config.suites().contains(BenchConfig.Suite.put)) {
            out.printf("%nPUT /meshes/default/meshtimeouts/{name}: %d clients (one HTTP/1.1 keep-alive connection each), %d warm-up + %d measured new policies, %s bodies%n",
                    config.concurrency(), config.warmup(), config.resources(), config.format());
            List<RestPutBenchmark.Result> results = new ArrayList<>();
            for (StoreKind store : config.stores()) {
                out.printf("  %s ... ", store);
                out.flush();
                RestPutBenchmark.Result r;
                try {
                    r = new RestPutBenchmark(config).run(store);
                } catch (RuntimeException e) {
                    r = RestPutBenchmark.Result.failed(store, e.getMessage());
                }
                out.println(r.outcome().startsWith("error") ? r.outcome() : "done");
                allOk &= r.outcome().equals("ok") && r.stored() != null && r.stored() == config.warmup() + config.resources();
                results.add(r);
            }
            printPutTable(out, results, config);
            write(config.outDir().resolve("rest-put.json"), document("rest-put", when, machine, loadAverage, config, results));
            all.put("restPut", results);
        }

        if (config.suites().contains(BenchConfig.Suite.startup)) {
            out.printf("%nStart-up: `java -jar quarkus-run.jar` until /q/health/ready answers 200, %d starts per store%n", config.starts());
            List<StartupBenchmark.Result> results = new ArrayList<>();
            for (StoreKind store : config.stores()) {
                out.printf("  %s ... ", store);
                out.flush();
                StartupBenchmark.Result r;
                try {
                    r = new StartupBenchmark(config).run(store);
                } catch (RuntimeException e) {
                    r = StartupBenchmark.Result.failed(store, config.starts(), e.getMessage());
                }
                out.println(r.outcome().startsWith("error") ? r.outcome() : "done");
                allOk &= r.outcome().equals("ok");
                results.add(r);
            }
            printStartupTable(out, results);
            write(config.outDir().resolve("startup.json"), document("startup", when, machine, loadAverage, config, results));
            all.put("startup", results);
        }
        Path file = run.write("the load generator, the global-cp and Postgres share the machine's " + machine.cores() + " cores",
                parameters(config), all);
        out.printf("%nJSON: %s (whole run); %s/*.json (per suite, overwritten by the next run)%n", file, config.outDir());
        System.exit(allOk ? 0 : 1);
    }

    private static void printPutTable(PrintStream out, List<RestPutBenchmark.Result> results, BenchConfig config) {
        out.println();
        out.printf("%-9s %9s %7s %8s %8s %8s %8s %7s %9s %9s %6s %s%n",
                "store", "PUT/s", "target", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "load-gen", "server", "busy", "stored");
        for (RestPutBenchmark.Result r : results) {
            if (r.putsPerSecond() == null) {
                out.printf("%-9s %s%n", r.store(), r.outcome());
                continue;
            }
            out.printf("%-9s %9.1f %7s %8.2f %8.2f %8.2f %8.2f %7d %6dus %6dus %5s%% %d/%d%n",
                    r.store(), r.putsPerSecond(), (r.meetsTarget() ? ">=" : "< ") + r.targetPutsPerSecond(),
                    r.latency().p50Ms(), r.latency().p90Ms(), r.latency().p99Ms(), r.latency().maxMs(), r.failed(),
                    r.loadGeneratorCpuMicrosPerPut(), r.serverCpuMicrosPerPut(),
                    r.cpu().machineBusyPercent() == null ? "?" : r.cpu().machineBusyPercent(),
                    r.stored(), config.warmup() + config.resources());
            if (r.firstFailure() != null) out.printf("          first failure: %s%n", r.firstFailure());
        }
        out.println("  load-gen / server: CPU time per PUT used by this load generator / by the global-cp process (Postgres not included);");
        out.println("  busy: all cores of the whole machine during the measured phase (includes Postgres and anything else). Body: " + results.stream()
                .filter(r -> r.bodyBytes() > 0).map(r -> r.bodyBytes() + " bytes").findFirst().orElse("-") + ".");
    }

    private static void printStartupTable(PrintStream out, List<StartupBenchmark.Result> results) {
        out.println();
        out.printf("%-9s %9s %9s %9s  %s%n", "store", "median s", "max s", "min s", "each start (s) [Quarkus's own \"started in\"]");
        for (StartupBenchmark.Result r : results) {
            if (r.medianSeconds() == null) {
                out.printf("%-9s %s%n", r.store(), r.outcome());
                continue;
            }
            out.printf("%-9s %9.3f %9.3f %9.3f  %s %s%n", r.store(), r.medianSeconds(), r.maxSeconds(), r.minSeconds(),
                    r.readySeconds(), r.quarkusReportedSeconds());
        }
    }

    private static Map<String, Object> document(String benchmark, String when, Machine machine, String loadAverage, BenchConfig config,
                                                List<?> results) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", benchmark);
        doc.put("date", when);
        doc.put("machine", machine);
        doc.put("note", "the load generator, the global-cp and Postgres share the machine's " + machine.cores() + " cores");
        doc.put("loadAverageBeforeRun", loadAverage);
        doc.put("parameters", parameters(config));
        doc.put("results", results);
        return doc;
    }

    private static Map<String, Object> parameters(BenchConfig config) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("resources", config.resources());
        parameters.put("warmup", config.warmup());
        parameters.put("concurrency", config.concurrency());
        parameters.put("stores", config.stores());
        parameters.put("starts", config.starts());
        parameters.put("bodyFormat", config.format());
        parameters.put("httpClient", "java.net.http.HttpClient, HTTP/1.1, one client (one keep-alive connection) per worker thread, closed loop");
        parameters.put("globalCpJar", config.repoRoot().relativize(config.globalCpJar()).toString());
        return parameters;
    }

    /** The 1, 5 and 15 minute load averages (Linux), to tell a quiet machine from a busy one. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void write(Path file, Object doc) throws IOException {
        JSON.writeValue(file.toFile(), doc);
    }
}
