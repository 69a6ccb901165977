package dev.ursa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * PUT throughput and latency of the admin REST API on one store: start a fresh global-cp, create mesh
 * {@code default}, write {@code warmup} policies (discarded), then time {@code resources} new policies.
 */
public final class RestPutBenchmark {

    /** One store's figures. {@code stored} is the MeshTimeout count the server lists afterwards. */
    public record Result(StoreKind store, String outcome, Double putsPerSecond, Integer targetPutsPerSecond, Boolean meetsTarget,
                         LatencyStats latency, double wallSeconds, int created, int updated, int failed, String firstFailure,
                         Long stored, int bodyBytes, CpuMeter.Usage cpu, Long loadGeneratorCpuMicrosPerPut,
                         Long serverCpuMicrosPerPut, String serverLog) {

        static Result failed(StoreKind store, String why) {
            return new Result(store, "error: " + why, null, target(store), null, null, 0, 0, 0, 0, null, null, 0, null, null, null, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchConfig config;

    public RestPutBenchmark(BenchConfig config) {
        this.config = config;
    }

    /** The targets on the 2-core reference machine. */
    static int target(StoreKind store) {
        return switch (store) {
            case memory -> 2000;
            case postgres -> 500;
        };
    }

    public Result run(StoreKind kind) throws IOException, InterruptedException {
        PolicyBodies bodies = new PolicyBodies(config.format());
        try (StoreSetup store = StoreSetup.create(kind, config);
             GlobalCp cp = GlobalCp.start(config.globalCpJar(), store, config.outDir().resolve("logs"), "put-" + kind)) {
            createDefaultMesh(cp);
            PutLoad load = new PutLoad(cp.baseUri(), bodies, config.concurrency());
            if (config.warmup() > 0) {
                PutLoad.Outcome warm = load.run("warmup", config.warmup());
                if (warm.failed() > 0) {
                    return Result.failed(kind, warm.failed() + " warm-up PUTs failed, first: " + warm.firstFailure());
                }
            }
            CpuMeter cpu = CpuMeter.start(cp);
            PutLoad.Outcome measured = load.run("bench", config.resources());
            CpuMeter.Usage usage = cpu.stop();
            long stored = countMeshTimeouts(cp);
            store.checkInUse();
            double rate = Math.round(measured.perSecond() * 10) / 10.0;
            return new Result(kind, measured.failed() == 0 ? "ok" : "errors", rate, target(kind), rate >= target(kind),
                    LatencyStats.ofNanos(measured.latencyNanos()), measured.wall().toMillis() / 1000.0,
                    measured.created(), measured.updated(), measured.failed(), measured.firstFailure(), stored,
                    bodies.meshTimeout("bench-0", 0).length, usage,
                    Math.round(usage.loadGeneratorCpuSeconds() * 1e6 / config.resources()),
                    Math.round(usage.serverCpuSeconds() * 1e6 / config.resources()),
                    config.repoRoot().relativize(config.outDir().resolve("logs/put-" + kind + ".log")).toString());
        }
    }

    private static void createDefaultMesh(GlobalCp cp) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(cp.baseUri().resolve("/meshes/default"))
                    .header("Content-Type", "application/yaml")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(PolicyBodies.defaultMesh())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw new IllegalStateException("PUT /meshes/default answered " + r.statusCode() + ": " + r.body());
            }
        }
    }

    /** Checks that the writes were kept: the list total must be warm-up + measured. */
    private static long countMeshTimeouts(GlobalCp cp) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(cp.baseUri().resolve("/meshes/default/meshtimeouts?size=1"))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /meshes/default/meshtimeouts answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body()).path("total").asLong(-1);
        }
    }
}
