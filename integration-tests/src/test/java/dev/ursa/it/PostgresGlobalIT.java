package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.testing.SampleResources;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The global CP as real processes on a real Postgres: restarts, a second instance, concurrent writers. */
class PostgresGlobalIT {
    private static final List<ResourceType> GLOBAL_TYPES = globalTypes();

    private static List<ResourceType> globalTypes() {
        List<ResourceType> t = new ArrayList<>(List.of(ResourceTypes.MESH, ResourceTypes.ZONE));
        t.addAll(ResourceTypes.policies());
        return t;
    }

    @Test
    void dataSurvivesAKilledAndRestartedGlobal() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            Map<String, String> stored = new HashMap<>();
            int port = UrsaProcess.freePort();
            UrsaProcess first = UrsaProcess.start("global-a", "global-cp", port, db.storeProps());
            try {
                // mTLS on: the sample MeshTrafficPermission matches clients by identity, which needs it.
                String mesh = "type: Mesh\nname: default\nmtls:\n  enabledBackend: ca-1\n  backends:\n  - name: ca-1\n    type: builtin\n";
                assertThat(Http.putYaml(first.baseUrl() + "/meshes/default", mesh, null).status()).isEqualTo(201);
                for (ResourceType type : GLOBAL_TYPES) {
                    var r = Http.putYaml(first.baseUrl() + SampleResources.path(type), SampleResources.yaml(type), null);
                    assertThat(r.status()).as("%s: %s", type, r.body()).isEqualTo(201);
                    stored.put(SampleResources.path(type), Http.get(first.baseUrl() + SampleResources.path(type)).body());
                }
            } finally {
                first.kill(); // SIGKILL: no graceful shutdown
            }
            try (UrsaProcess second = UrsaProcess.start("global-b", "global-cp", port, db.storeProps())) {
                for (var e : stored.entrySet()) {
                    var r = Http.get(second.baseUrl() + e.getKey());
                    assertThat(r.status()).as(e.getKey()).isEqualTo(200);
                    assertThat(Json.JSON.readTree(r.body())).as(e.getKey()).isEqualTo(Json.JSON.readTree(e.getValue()));
                }
            }
        }
    }

    @Test
    void aSecondInstanceOnTheSameDatabaseSeesEveryCommittedChange() throws Exception {
        try (TestDatabase db = TestDatabase.create();
             UrsaProcess writer = UrsaProcess.start("global-writer", "global-cp", db.storeProps());
             UrsaProcess watcher = UrsaProcess.start("global-watcher", "global-cp", db.storeProps())) {
            BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
            CountDownLatch subscribed = new CountDownLatch(1);
            Thread reader = Thread.ofVirtual().start(() -> readEvents(watcher.baseUrl() + "/events", events, subscribed));
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("SSE stream opened").isTrue();

            // 1 mesh + 40 creates + 40 updates + 20 deletes = 101 changes, committed by the writer instance.
            List<String> expected = new ArrayList<>();
            assertThat(Http.putYaml(writer.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null).status()).isEqualTo(201);
            expected.add("CREATED Mesh/default 1");
            for (int i = 0; i < 40; i++) {
                String doc = SampleResources.yaml(ResourceTypes.MESH_TIMEOUT).replace("name: sample", "name: t" + i);
                assertThat(Http.putYaml(writer.baseUrl() + "/meshes/default/meshtimeouts/t" + i, doc, null).status()).isEqualTo(201);
                expected.add("CREATED MeshTimeout/t" + i + " 1");
            }
            for (int i = 0; i < 40; i++) {
                String doc = SampleResources.yaml(ResourceTypes.MESH_TIMEOUT).replace("name: sample", "name: t" + i)
                        .replace("idleTimeout: 20s", "idleTimeout: 30s");
                assertThat(Http.putYaml(writer.baseUrl() + "/meshes/default/meshtimeouts/t" + i, doc, null).status()).isEqualTo(200);
                expected.add("UPDATED MeshTimeout/t" + i + " 2");
            }
            for (int i = 0; i < 20; i++) {
                assertThat(Http.delete(writer.baseUrl() + "/meshes/default/meshtimeouts/t" + i).status()).isEqualTo(200);
                expected.add("DELETED MeshTimeout/t" + i + " 2");
            }
            List<JsonNode> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen.size() < expected.size()) {
                JsonNode e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) break;
                seen.add(e);
            }
            reader.interrupt();
            List<String> got = seen.stream().map(e -> e.get("kind").asText() + " " + e.get("type").asText() + "/" + e.get("name").asText()
                    + " " + e.get("version").asLong()).toList();
            assertThat(got).containsExactlyElementsOf(expected);
        }
    }

    private static void readEvents(String url, BlockingQueue<JsonNode> sink, CountDownLatch subscribed) {
        try {
            HttpResponse<java.io.InputStream> r = Http.client().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            subscribed.countDown();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("data:")) sink.add(Json.JSON.readTree(line.substring(5).trim()));
                }
            }
        } catch (Exception e) {
            if (!(e instanceof InterruptedException)) e.printStackTrace();
        }
    }

    @Test
    void fiftyConcurrentIfMatchUpdatesHaveOneWinnerPerVersionAndLoseNothing() throws Exception {
        try (TestDatabase db = TestDatabase.create();
             UrsaProcess global = UrsaProcess.start("global-concurrency", "global-cp", db.storeProps())) {
            String url = global.baseUrl() + "/meshes/contended";
            assertThat(Http.putYaml(url, "type: Mesh\nname: contended\n", null).status()).isEqualTo(201);
            AtomicInteger successes = new AtomicInteger();
            List<Long> winningVersions = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger conflicts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int writer = t;
                futures.add(pool.submit(() -> {
                    int mine = 0;
                    while (successes.get() < 50) {
                        var cur = Http.get(url);
                        long v = Long.parseLong(cur.etag().replace("\"", ""));
                        int n = successes.get();
                        if (n >= 50) break;
                        String doc = "type: Mesh\nname: contended\nlabels:\n  writer: w" + writer + "\n  seq: s" + (mine + 1) + "\n";
                        var r = Http.putYaml(url, doc, "\"" + v + "\"");
                        if (r.status() == 200) {
                            long newV = Long.parseLong(r.etag().replace("\"", ""));
                            assertThat(newV).isEqualTo(v + 1);
                            winningVersions.add(v);
                            mine++;
                            successes.incrementAndGet();
                        } else {
                            assertThat(r.status()).as(r.body()).isEqualTo(409);
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get(120, TimeUnit.SECONDS);
            pool.shutdown();
            // Exactly one winner per version, and the final version counts every successful write: nothing lost.
            assertThat(winningVersions).doesNotHaveDuplicates();
            long finalVersion = Long.parseLong(Http.get(url).etag().replace("\"", ""));
            assertThat(finalVersion).isEqualTo(1 + winningVersions.size());
            assertThat(winningVersions.size()).isGreaterThanOrEqualTo(50);
            System.out.printf("concurrent If-Match: %d winners, %d conflicts, final version %d%n", winningVersions.size(), conflicts.get(), finalVersion);
        }
    }

    @Test
    void embeddedDefaultNeedsNoDatabase() throws Exception {
        // A datasource URL that cannot work proves the memory store never touches it.
        try (UrsaProcess global = UrsaProcess.start("global-memory", "global-cp",
                Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/nowhere"))) {
            assertThat(Http.putYaml(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null).status()).isEqualTo(201);
            assertThat(Json.JSON.readTree(Http.get(global.baseUrl() + "/meshes").body()).get("total").asInt()).isEqualTo(1);
            assertThat(Http.get(global.baseUrl() + "/q/health/ready").status()).isEqualTo(200);
        }
    }

}
