package dev.ursa.zone.xds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Layout;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import dev.ursa.mesh.validation.Violations;
import dev.ursa.zone.xds.fuzz.DocumentMutator;
import dev.ursa.zone.xds.fuzz.DocumentSkeletons;
import dev.ursa.zone.xds.fuzz.Rand;
import dev.ursa.zone.xds.fuzz.RenderFixture;
import dev.ursa.zone.xds.render.XdsResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property: <b>an accepted resource never breaks rendering</b>. For many random documents of every type Ursa knows
 * (valid skeletons made hostile by a few edits: {@link DocumentSkeletons}, {@link DocumentMutator}), decoding and
 * validation either
 * <ul>
 *   <li>reject the document with violations that each name a field of the document (never a Java exception text),
 *   and nothing but a {@link ValidationException} escapes (anything else would be a 500 at the REST API); or</li>
 *   <li>accept it: then it survives the store's round trip (what is written reads back as accepted and is written the
 *   same again), and every dataplane of a small fixed mesh ({@link RenderFixture}) renders with it, in both flavours
 *   (Envoy and proxyless), as do an unregistered client and the zone ingress's routing table. Half of the cases add a
 *   second accepted document of the same type (another policy to merge with, another dataplane or ingress).</li>
 * </ul>
 * Rendering goes the way {@link XdsEngine#inspect} renders a dataplane that is not connected (checked against a real
 * engine by {@link #theFixtureRendersWhatTheEngineRenders}), without the engine's store, threads and debounce.
 * Seeded and reproducible: {@code -Dursa.fuzz.seed=N} (default {@value #DEFAULT_SEED}), {@code -Dursa.fuzz.tries=N}
 * documents per type (default {@value #DEFAULT_TRIES}), {@code -Dursa.fuzz.types=MeshRetry,Dataplane} to narrow, and
 * {@code -Dursa.fuzz.case=N} to replay the single case a failure names. Failures print the seeds and the document.
 */
class AcceptedResourcesRenderPropertyTest {
    static final long DEFAULT_SEED = 20_140_101L;
    static final int DEFAULT_TRIES = 400;

    static final long SEED = Long.getLong("ursa.fuzz.seed", DEFAULT_SEED);
    static final int TRIES = Integer.getInteger("ursa.fuzz.tries", DEFAULT_TRIES);
    static final Long CASE = Long.getLong("ursa.fuzz.case");
    static final Set<String> ONLY_TYPES = Set.of(System.getProperty("ursa.fuzz.types", "").split(","));
    static final int FAILURES_SHOWN = 3;

    /** What a violation message must not look like: a Java or Jackson exception text leaking to the user. */
    private static final Pattern JAVA_TEXT = Pattern.compile(
            "java\\.|javax\\.|jdk\\.|com\\.fasterxml|jackson|dev\\.ursa|Exception|Cannot (construct|deserialize)|reference chain"
                    + "|\\[Source:|line: \\d+, column: \\d+|\\bat \\[|@[0-9a-f]{6,}");

    static RenderFixture fixture;
    static final Map<String, Counts> COUNTS = new LinkedHashMap<>();
    static long started;
    static long startedCpu;

    /** Per type: how the generated documents fared. */
    static final class Counts {
        int generated;
        int rejectedAtDecode;
        int rejectedAtValidation;
        int accepted;
        int renders;
        int companions;
        long millis;
    }

    @BeforeAll
    static void start() {
        fixture = new RenderFixture();
        started = System.nanoTime();
        startedCpu = processCpuNanos();
    }

    @AfterAll
    static void summary() {
        fixture.close();
        StringBuilder s = new StringBuilder("\nAcceptedResourcesRenderPropertyTest: seed " + SEED + ", " + (CASE != null ? "case " + CASE : TRIES + " documents per type")
                + ": " + (System.nanoTime() - started) / 1_000_000 + " ms wall, " + (processCpuNanos() - startedCpu) / 1_000_000
                + " ms CPU (all threads, JIT included)\n");
        s.append(String.format("  %-26s %9s %10s %9s %9s %10s %9s %7s%n", "type", "generated", "rej.decode", "rej.valid", "accepted",
                "+companion", "renders", "ms"));
        COUNTS.forEach((type, c) -> s.append(String.format("  %-26s %9d %10d %9d %9d %10d %9d %7d%n", type, c.generated, c.rejectedAtDecode,
                c.rejectedAtValidation, c.accepted, c.companions, c.renders, c.millis)));
        System.out.println(s);
    }

    @TestFactory
    Stream<DynamicTest> everyResourceIsRejectedCleanlyOrRenders() {
        return ResourceTypes.all().stream()
                .filter(t -> ONLY_TYPES.equals(Set.of("")) || ONLY_TYPES.contains(t.name()))
                .map(t -> DynamicTest.dynamicTest(t.name(), () -> run(t)));
    }

    private void run(ResourceType type) {
        Counts c = new Counts();
        COUNTS.put(type.name(), c);
        long t0 = System.nanoTime();
        List<String> failures = new ArrayList<>();
        int tries = CASE != null ? 1 : TRIES;
        for (int i = 0; i < tries; i++) {
            long caseSeed = CASE != null ? CASE : Rand.caseSeed(SEED, type.name(), i);
            String failure = runCase(type, caseSeed, c);
            if (failure != null) {
                failures.add(type.name() + " document #" + i + " (seed " + SEED + ", case " + caseSeed + "): " + failure
                        + "\n  replay: -Dursa.fuzz.types=" + type.name() + " -Dursa.fuzz.case=" + caseSeed);
            }
        }
        c.millis = (System.nanoTime() - t0) / 1_000_000;
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + tries + " " + type.name() + " documents broke the property (seed " + SEED + "); the first "
                    + Math.min(FAILURES_SHOWN, failures.size()) + ":\n\n" + String.join("\n\n", failures.subList(0, Math.min(FAILURES_SHOWN, failures.size()))));
        }
        if (CASE == null) {
            assertThat(c.accepted).as("%s: accepted documents (the render half must be exercised)", type.name()).isGreaterThan(tries / 20);
            assertThat(c.rejectedAtDecode + c.rejectedAtValidation).as("%s: rejected documents", type.name()).isGreaterThan(tries / 20);
        }
    }

    /**
     * The fixture renders the way the engine does ({@link XdsEngine#inspect} of a dataplane that is not connected): the
     * fixed mesh loaded into a real engine gives the same listeners, routes and clusters. (Host-name ingresses are left
     * out: the engine resolves them through the system's DNS, the fixture through a fake.)
     */
    @Test
    void theFixtureRendersWhatTheEngineRenders() throws Exception {
        InMemoryStore store = new InMemoryStore();
        for (Resource r : fixture.fixedResources(true)) store.put(r, Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (XdsEngine engine = new XdsEngine(store, XdsSettings.defaults(RenderFixture.ZONE), new SimpleMeterRegistry())) {
            engine.start();
            for (String dp : List.of("dp-backend", "dp-web", "dp-db")) {
                for (Flavour flavour : Flavour.values()) {
                    XdsResources direct = fixture.renderFixed(dp, flavour, true);
                    XdsEngine.Rendered viaEngine = engine.inspect(new NodeId("default", dp), flavour).orElseThrow();
                    assertThat(viaEngine.failure()).as("%s %s", dp, flavour).isNull();
                    assertThat(List.of(viaEngine.resources().listenersVersion(), viaEngine.resources().routesVersion(),
                            viaEngine.resources().clustersVersion(), viaEngine.resources().endpointsVersion()))
                            .as("%s %s: listeners, routes, clusters, endpoints", dp, flavour)
                            .containsExactly(direct.listenersVersion(), direct.routesVersion(), direct.clustersVersion(), direct.endpointsVersion());
                }
            }
        }
    }

    /**
     * One case: a document, and for half of the cases a second one of the same type (a companion, from the same seed) that
     * is rendered together with it when both are accepted, so that two fuzzed policies are merged with each other. Null
     * when the property holds, else what went wrong (with the documents).
     */
    private static String runCase(ResourceType type, long caseSeed, Counts c) {
        Rand r = new Rand(caseSeed);
        ObjectNode doc = DocumentSkeletons.of(type, r);
        DocumentMutator.mutate(doc, r);
        c.generated++;
        Judged first = judge(type, doc);
        if (first.failure() != null) return first.failure();
        if (first.accepted() == null) {
            if (first.atDecode()) c.rejectedAtDecode++; else c.rejectedAtValidation++;
            return null;
        }
        c.accepted++;
        Resource resource = first.accepted();
        try {
            // What a store writes must read back as accepted and write the same again. (Not spec equality: a Zone
            // without "enabled" is written with its default, "enabled": true, and reads back as explicitly enabled.)
            ObjectNode stored = ResourceCodec.encode(resource);
            Resource again = ResourceCodec.decode(stored);
            List<Violation> now = ResourceValidation.check(again).list();
            if (!now.isEmpty()) return "accepted, but rejected after the store's round trip (encode, decode): " + now + document(doc);
            if (!ResourceCodec.encode(again).equals(stored)) {
                return "accepted, but the store's round trip changed it: " + stored + " became " + ResourceCodec.encode(again) + document(doc);
            }
        } catch (RuntimeException e) {
            return "accepted, but the store's round trip (encode, decode) threw " + e + document(doc) + trace(e);
        }
        Resource companion = null;
        ObjectNode companionDoc = null;
        if (r.chance(0.5)) {
            companionDoc = DocumentSkeletons.of(type, r);
            DocumentMutator.mutate(companionDoc, r);
            Judged second = judge(type, companionDoc);
            if (second.failure() != null) return "(companion document) " + second.failure();
            if (second.accepted() != null && second.accepted().type() == resource.type()) {
                Resource b = second.accepted();
                companion = b.withMeta(Meta.fresh(b.meta().mesh(), "fuzz-companion", b.meta().labels()));
                c.companions++;
            }
        }
        try {
            c.renders += fixture.renderWith(resource, companion);
        } catch (RenderFixture.RenderCrash e) {
            return "accepted, but rendering failed: " + e.getMessage() + document(doc)
                    + (companion == null ? "" : "\n  together with the accepted companion (renamed fuzz-companion):" + document(companionDoc))
                    + trace(e.getCause());
        }
        return null;
    }

    /** How decoding and validation took a document: a failure of the property, a clean rejection, or the accepted resource. */
    record Judged(String failure, boolean atDecode, Resource accepted) {
    }

    private static Judged judge(ResourceType type, ObjectNode doc) {
        Resource resource;
        try {
            resource = ResourceCodec.decode(doc.deepCopy());
        } catch (ValidationException e) {
            return new Judged(rejection(doc, type, e.violations()), true, null);
        } catch (RuntimeException | StackOverflowError e) {
            return new Judged("decode threw " + e.getClass().getName() + " instead of a ValidationException (a 500 at the API)"
                    + document(doc) + trace(e), true, null);
        }
        Violations violations;
        try {
            violations = ResourceValidation.check(resource);
        } catch (RuntimeException | StackOverflowError e) {
            return new Judged("validation threw " + e.getClass().getName() + " (validators must report, never throw)" + document(doc) + trace(e), false, null);
        }
        if (!violations.isEmpty()) return new Judged(rejection(doc, type, violations.list()), false, null);
        return new Judged(null, false, resource);
    }

    /** A rejection must name fields of the document and speak to the user, not in Java. */
    private static String rejection(ObjectNode doc, ResourceType intended, List<Violation> violations) {
        if (violations.isEmpty()) return "rejected with no violation" + document(doc);
        ResourceType type = doc.path("type").isTextual() ? ResourceTypes.byName(doc.get("type").asText()).orElse(intended) : intended;
        List<String> problems = new ArrayList<>();
        for (Violation v : violations) {
            if (v.field() == null) {
                problems.add("a violation has no field: " + v.message());
                continue;
            }
            if (v.message() == null || v.message().isBlank()) problems.add(v.field() + ": empty message");
            else if (JAVA_TEXT.matcher(v.message()).find()) problems.add(v.field() + ": message reads like a Java exception: " + v.message());
            String pathProblem = pathProblem(doc, type, v.field());
            if (pathProblem != null) problems.add(v.field() + ": " + pathProblem + " (message: " + v.message() + ")");
        }
        return problems.isEmpty() ? null : "rejected, but " + String.join("; ", problems) + document(doc);
    }

    private static final Pattern FIRST = Pattern.compile("^([^.\\[]+)");
    private static final Pattern NEXT = Pattern.compile("^(?:\\.([^.\\[]+)|\\[(\\d+)]|(\\[\"))");

    /**
     * Null when {@code path} can name something of this document: its first segment is a field of the document or of
     * the type, and every list index on the way (up to the first map key) is within its list.
     */
    static String pathProblem(ObjectNode doc, ResourceType type, String path) {
        if (path.isEmpty()) return "the empty path (only for problems of the whole document)";
        if (path.startsWith("[\"")) return null; // a top-level field whose name is no path segment, written as a key
        Matcher m = FIRST.matcher(path);
        if (!m.find()) return "does not start with a field name";
        String first = m.group(1);
        if (!doc.has(first) && !topLevelFields(type).contains(first)) return "starts with \"" + first + "\", which is neither in the document nor a field of " + type.name();
        JsonNode node = doc.get(first);
        String rest = path.substring(m.end());
        while (!rest.isEmpty() && node != null) {
            Matcher n = NEXT.matcher(rest);
            if (!n.find()) return "is not a field path (at \"" + rest + "\")";
            if (n.group(3) != null) return null; // a map key: user data, may contain anything
            if (n.group(1) != null) {
                node = node.isObject() ? node.get(n.group(1)) : null;
            } else {
                int index = Integer.parseInt(n.group(2));
                if (node.isArray() && index >= node.size()) return "names item " + index + " of a list of " + node.size();
                node = node.isArray() ? node.get(index) : null;
            }
            rest = rest.substring(n.end());
        }
        return null;
    }

    private static Set<String> topLevelFields(ResourceType type) {
        Set<String> fields = new HashSet<>(List.of("type", "mesh", "name", "labels", "creationTime", "modificationTime", "version"));
        if (type.layout() == Layout.NESTED) {
            fields.add("spec");
        } else {
            Arrays.stream(type.specClass().getRecordComponents()).forEach(rc -> fields.add(rc.getName()));
        }
        return fields;
    }

    /** CPU time of this JVM so far: the cost on an idle machine, whatever else shares the cores. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static String document(ObjectNode doc) {
        try {
            return "\n  document: " + Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc).replace("\n", "\n  ");
        } catch (JsonProcessingException e) {
            return "\n  document: " + doc;
        }
    }

    private static String trace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        return "\n  " + String.join("\n  ", Arrays.copyOf(lines, Math.min(lines.length, 25)));
    }
}
