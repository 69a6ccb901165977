package dev.ursa.zone.fakepolicy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.model.TypeRegistry;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.stream.KdsListener;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.NodeId;
import dev.ursa.zone.xds.plugins.Plugins;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.PolicyPlugins;
import dev.ursa.zone.xds.render.Renderer;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.LocalEndpoints;
import dev.ursa.zone.xds.view.MeshInputs;
import dev.ursa.zone.xds.view.ViewBuilder;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The single declaration of a policy type, proven with a type that exists only here: {@link MeshFakePolicy#TYPE} (spec,
 * validator, plugin order, KDS direction) and its {@link MeshFakePlugin} are all this test declares, and the type is
 * decoded and validated by the codec every type goes through, synced from a global store to a zone store by the KDS
 * sessions, matched by the view builder and rendered by the renderer. Registration extends copies of the built-in
 * registries, so the built-ins stay as they are (no shared state to leak into other tests).
 */
class FakePolicyTypeTest {
    static final String ZONE = "zone-1";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final TypeRegistry TYPES = ResourceTypes.registry().withPolicy(MeshFakePolicy.TYPE);
    static final PolicyPlugins PLUGINS = Plugins.builtIn().with(new MeshFakePlugin());

    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
        timer.shutdownNow();
        workers.shutdownNow();
    }

    @Test
    void aBadSpecIsRefusedNamingTheFieldAndTheBuiltInsDoNotKnowTheType() {
        Resource good = valid(fake("buffers", "backend", 32768));
        assertThat(good.type()).isEqualTo(MeshFakePolicy.TYPE.type());
        assertThat(TYPES.byPlural("meshfakes")).contains(MeshFakePolicy.TYPE.type());

        Resource small = decode(fake("small", "backend", 10));
        assertThatThrownBy(() -> ResourceValidation.validate(small)).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.violations()).extracting(Violation::field).containsExactly("spec.to[0].default.bufferBytes"));
        String unknownField = fake("odd", "backend", 4096).replace("bufferBytes: 4096", "bufferBytes: 4096, bogus: 1");
        assertThatThrownBy(() -> decode(unknownField)).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.violations()).extracting(Violation::field).containsExactly("spec.to[0].default.bogus"));

        assertThatThrownBy(() -> ResourceCodec.decode(node(fake("buffers", "backend", 32768)))).as("this build's registry")
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.violations()).extracting(Violation::field).containsExactly("type"));
        assertThat(ResourceTypes.registry().byPlural("meshfakes")).isEmpty();
        assertThat(KdsTypes.globalToZone()).doesNotContain(MeshFakePolicy.TYPE.type());
        assertThat(KdsTypes.globalToZone(TYPES)).contains(MeshFakePolicy.TYPE.type());
        assertThat(Plugins.builtIn().types()).doesNotContain(MeshFakePolicy.TYPE.type());
        assertThat(ViewBuilder.POLICY_TYPES).doesNotContain(MeshFakePolicy.TYPE.type());
    }

    @Test
    void syncedFromTheGlobalToTheZoneAndRenderedByItsPlugin() throws Exception {
        InMemoryStore global = new InMemoryStore();
        InMemoryStore zone = new InMemoryStore();
        put(global, decode("type: Mesh\nname: default\n"));
        put(global, valid(fake("buffers", "backend", 32768)));
        // Written around validation (another build, a hand edit): the zone's receiver validates it and NACKs it.
        put(global, decode(fake("too-small", "backend", 10)));

        ResourceKey buffers = new ResourceKey("MeshFake", "default", "buffers");
        CompletableFuture<Resource> synced = stored(zone, buffers, r -> true);
        CompletableFuture<Map<String, String>> nacked = new CompletableFuture<>();
        ResourceIndex index = new ResourceIndex(global, KdsTypes.globalToZone(TYPES), r -> true).start();
        closeables.add(index);
        closeables.add(new InProcessGlobalToZone(index, KdsTypes.globalToZone(TYPES), StoreSink.fromGlobal(zone), timer, workers,
                new KdsListener() {
                    @Override
                    public void nacked(String typeUrl, String message, Map<String, String> rejected) {
                        nacked.complete(rejected);
                    }
                }));

        assertThat(synced.get(WAIT.toSeconds(), TimeUnit.SECONDS).meta().labels()).as("MeshFake default/buffers in the zone")
                .containsEntry(KdsTypes.ORIGIN_LABEL, KdsTypes.ORIGIN_GLOBAL);
        Map<String, String> rejected = nacked.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(rejected).containsOnlyKeys("default/too-small");
        assertThat(rejected.get("default/too-small")).contains("spec.to[0].default.bufferBytes");
        assertThat(get(zone, new ResourceKey("MeshFake", "default", "too-small"))).isEmpty();

        // The zone's own dataplanes, in the mesh KDS brought: web-1 calls backend.
        put(zone, decode(dataplane("web-1", "10.0.0.1", "inbound: [{port: 8080, tags: {kuma.io/service: web}}]\n"
                + "  outbound: [{port: 10001, tags: {kuma.io/service: backend}}]")));
        put(zone, decode(dataplane("backend-1", "10.0.1.1", "inbound: [{port: 8080, tags: {kuma.io/service: backend, kuma.io/protocol: http}}]")));
        assertThat(bufferLimit(zone, Flavour.ENVOY, PLUGINS)).as("Envoy, with the fake plugin").isEqualTo(32768);
        assertThat(bufferLimit(zone, Flavour.PROXYLESS, PLUGINS)).as("proxyless: the plugin's no-op default").isZero();
        assertThat(bufferLimit(zone, Flavour.ENVOY, Plugins.builtIn())).as("Envoy, built-in plugins only").isZero();

        Resource bigger = valid(fake("buffers", "backend", 65536));
        CompletableFuture<Resource> changed = stored(zone, buffers, r -> r.spec().equals(bigger.spec()));
        put(global, bigger);
        changed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(bufferLimit(zone, Flavour.ENVOY, PLUGINS)).as("after a change on the global").isEqualTo(65536);
    }

    /** Completes when {@code store} holds {@code key} in a state that matches (already, or after a change). */
    private CompletableFuture<Resource> stored(InMemoryStore store, ResourceKey key, Predicate<Resource> matches) {
        CompletableFuture<Resource> done = new CompletableFuture<>();
        Runnable check = () -> get(store, key).filter(matches).ifPresent(done::complete);
        closeables.add(store.subscribe(e -> {
            if (e.key().equals(key)) check.run();
        }));
        check.run();
        return done;
    }

    /** web-1's cluster for backend, rendered from what the zone store holds, as the zone renders a dataplane. */
    private static int bufferLimit(InMemoryStore zone, Flavour flavour, PolicyPlugins plugins) {
        Map<String, Resource> dataplanes = new HashMap<>();
        list(zone, ResourceTypes.DATAPLANE).forEach(d -> dataplanes.put(d.meta().name(), d));
        Map<ResourceType, List<Resource>> policies = new HashMap<>();
        for (ResourceType t : TYPES.policies()) policies.put(t, list(zone, t));
        MeshInputs inputs = new MeshInputs("default", Optional.empty(), dataplanes, policies);
        EndpointIndex index = EndpointIndex.build(inputs, List.of(new LocalEndpoints(ZONE)));
        DataplaneView view = ViewBuilder.build(new NodeId("default", "web-1"), flavour, dataplanes.get("web-1"), true, inputs, index,
                plugins.types());
        List<Cluster> clusters = new Renderer(plugins, ZONE, Optional.empty()).render(view, index).clusters();
        String backend = ClusterRef.of("backend").name();
        return clusters.stream().filter(c -> c.getName().equals(backend)).findFirst().orElseThrow()
                .getPerConnectionBufferLimitBytes().getValue();
    }

    private static String fake(String name, String service, int bytes) {
        return """
                type: MeshFake
                mesh: default
                name: %s
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: %s}
                      default: {bufferBytes: %d}
                """.formatted(name, service, bytes);
    }

    private static String dataplane(String name, String address, String networking) {
        return "type: Dataplane\nmesh: default\nname: " + name + "\nnetworking:\n  address: " + address + "\n  " + networking + "\n";
    }

    private static JsonNode node(String yaml) {
        return ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML);
    }

    private static Resource decode(String yaml) {
        return ResourceCodec.decode(node(yaml), TYPES);
    }

    private static Resource valid(String yaml) {
        Resource r = decode(yaml);
        ResourceValidation.validate(r);
        return r;
    }

    private static void put(InMemoryStore store, Resource r) {
        store.put(r, Precondition.ANY).toCompletableFuture().join();
    }

    private static Optional<Resource> get(InMemoryStore store, ResourceKey key) {
        return store.get(key).toCompletableFuture().join();
    }

    private static List<Resource> list(InMemoryStore store, ResourceType type) {
        return store.listAll(ListQuery.inMesh(type, "default")).toCompletableFuture().join();
    }
}
