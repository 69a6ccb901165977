package dev.ursa.zone.xds.render;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.view.DataplaneView;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mutable configuration of one dataplane during rendering: what policy plugins edit. */
public final class ProxyConfig {
    private final DataplaneView view;
    private final List<OutboundConfig> outbounds = new ArrayList<>();
    private final List<InboundConfig> inbounds = new ArrayList<>();
    private final Map<ClusterRef, Cluster.Builder> clusters = new LinkedHashMap<>();
    private final ClusterFactory clusterFactory;
    private final String localZone;

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

    public Flavour flavour() {
        return view.flavour();
    }

    public boolean proxyless() {
        return view.flavour() == Flavour.PROXYLESS;
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
