package dev.ursa.zone.xds.render;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The packed Envoy resources of one render as MeshProxyPatch modifies them (Kuma's {@code ResourceSet}): listeners,
 * route configurations (RDS) and clusters, each with its origin, the component that generated it (Kuma's names:
 * {@code inbound}, {@code outbound}, {@code mesh-trace}, {@code meshaccesslog}, ...), and for listeners the tags Kuma
 * keeps in their {@code io.kuma.tags} metadata (an inbound's tags; an outbound's {@code kuma.io/service}). The lists
 * are the set's own and editable; the messages are immutable, so {@link #copy} is cheap. Owned by one render (one
 * thread).
 */
public final class EnvoyResourceSet {
    public static final String INBOUND = "inbound";
    public static final String OUTBOUND = "outbound";
    /** Kuma's origin of the collector clusters MeshTrace adds. */
    public static final String MESH_TRACE = "mesh-trace";
    /** Kuma's origin of the collector clusters MeshAccessLog adds. */
    public static final String MESH_ACCESS_LOG = "meshaccesslog";

    /** A resource, where it comes from, and (listeners) its tags. */
    public record Item<M extends Message>(M resource, String origin, Map<String, String> tags) {
        public Item {
            tags = Map.copyOf(tags);
        }

        public Item<M> with(M changed) {
            return new Item<>(changed, origin, tags);
        }
    }

    private final List<Item<Listener>> listeners;
    private final List<Item<RouteConfiguration>> routes;
    private final List<Item<Cluster>> clusters;

    public EnvoyResourceSet(List<Item<Listener>> listeners, List<Item<RouteConfiguration>> routes, List<Item<Cluster>> clusters) {
        this.listeners = new ArrayList<>(listeners);
        this.routes = new ArrayList<>(routes);
        this.clusters = new ArrayList<>(clusters);
    }

    public List<Item<Listener>> listeners() {
        return listeners;
    }

    public List<Item<RouteConfiguration>> routes() {
        return routes;
    }

    public List<Item<Cluster>> clusters() {
        return clusters;
    }

    public EnvoyResourceSet copy() {
        return new EnvoyResourceSet(listeners, routes, clusters);
    }

    /** Adds {@code item}, replacing the resource of the same name (Kuma's {@code ResourceSet.Add}). */
    public static <M extends Message> void put(List<Item<M>> items, Item<M> item, Function<M, String> name) {
        String n = name.apply(item.resource());
        for (int i = 0; i < items.size(); i++) {
            if (name.apply(items.get(i).resource()).equals(n)) {
                items.set(i, item);
                return;
            }
        }
        items.add(item);
    }
}
