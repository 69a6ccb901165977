package dev.ursa.zone.xds.render;

import dev.ursa.zone.xds.view.DataplaneView;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The mutable configuration of one dataplane during rendering: what policy plugins edit. Owned by one render (one thread). */
public final class ProxyConfig {
    private final DataplaneView view;
    private final List<OutboundConfig> outbounds = new ArrayList<>();
    private final List<InboundConfig> inbounds = new ArrayList<>();
    private final Map<ClusterRef, Cluster.Builder> clusters = new LinkedHashMap<>();
    /** Clusters that are no mesh service (telemetry collectors): sent as built, without EDS. */
    private final Map<String, SystemCluster> systemClusters = new LinkedHashMap<>();
    private final ClusterFactory clusterFactory;
    private final String localZone;
    private Function<String, Optional<LocalityPlan>> planner = service -> Optional.empty();

    ProxyConfig(DataplaneView view, ClusterFactory clusterFactory, String localZone) {
        this.view = view;
        this.clusterFactory = clusterFactory;
        this.localZone = localZone;
    }

    /** The zone the dataplane runs in (this zone CP's zone). */
    public String localZone() {
        return localZone;
    }

    public DataplaneView view() {
        return view;
    }

    /**
     * Sets how clusters' endpoints are spread over localities: {@code planner} gives a service's plan, or empty for
     * {@link LocalityPlan#defaults}. Asked when the resources are packed, for every cluster the plugins left.
     */
    public void localities(Function<String, Optional<LocalityPlan>> planner) {
        this.planner = planner;
    }

    /** The locality plan of a service's clusters. */
    LocalityPlan locality(String service) {
        return planner.apply(service).orElseGet(() -> LocalityPlan.defaults(localZone));
    }

    public List<OutboundConfig> outbounds() {
        return Collections.unmodifiableList(outbounds);
    }

    public List<InboundConfig> inbounds() {
        return Collections.unmodifiableList(inbounds);
    }

    /** The outbound cluster for {@code ref}, created on first use (e.g. by a MeshHTTPRoute backend). */
    public Cluster.Builder cluster(ClusterRef ref) {
        return clusters.computeIfAbsent(ref, clusterFactory::create);
    }

    public Map<ClusterRef, Cluster.Builder> clusters() {
        return Collections.unmodifiableMap(clusters);
    }

    /**
     * Adds a cluster that is no mesh service, e.g. the collector an access log or tracer sends to (Kuma's
     * {@code meshaccesslog:opentelemetry:0}), with its origin as MeshProxyPatch matches it (e.g.
     * {@link EnvoyResourceSet#MESH_TRACE}). Its endpoints are in the cluster itself; the first one of a name wins.
     */
    public void systemCluster(String origin, Cluster cluster) {
        systemClusters.putIfAbsent(cluster.getName(), new SystemCluster(origin, cluster));
    }

    public Collection<SystemCluster> systemClusters() {
        return Collections.unmodifiableCollection(systemClusters.values());
    }

    /** A cluster that is no mesh service, and the component that added it. */
    public record SystemCluster(String origin, Cluster cluster) {
    }

    void add(OutboundConfig out) {
        outbounds.add(out);
    }

    void add(InboundConfig in) {
        inbounds.add(in);
    }

    /** Creates the base cluster for a ref in the renderer's flavour. */
    interface ClusterFactory {
        Cluster.Builder create(ClusterRef ref);
    }
}
