package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.ClusterMod;
import dev.ursa.zone.xds.render.EnvoyResourceSet;
import dev.ursa.zone.xds.render.EnvoyResourceSet.Item;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

import java.util.List;
import java.util.Map;

/** Kuma's cluster modificator: Add (replacing a cluster of the same name), Remove and Patch the matched clusters. */
record ClusterModificator(ClusterMod mod) implements Modificator {
    /** The origin Kuma gives an added cluster. */
    static final String ADDED = "proxy-template-modifications";

    @Override
    public void apply(EnvoyResourceSet resources) throws InvalidProtocolBufferException {
        Cluster value = Modificator.value(mod, Cluster::newBuilder);
        List<Item<Cluster>> clusters = resources.clusters();
        switch (mod.operation()) {
            case "Add" -> EnvoyResourceSet.put(clusters, new Item<>(value, ADDED, Map.of()), Cluster::getName);
            case "Remove" -> clusters.removeIf(this::matches);
            case "Patch" -> {
                for (int i = 0; i < clusters.size(); i++) {
                    Item<Cluster> c = clusters.get(i);
                    if (!matches(c)) continue;
                    Cluster patched = Modificator.patch(c.resource(), mod, value);
                    if (!patched.equals(c.resource())) clusters.set(i, c.with(patched));
                }
            }
            default -> throw new InvalidProtocolBufferException("invalid operation: " + mod.operation());
        }
    }

    private boolean matches(Item<Cluster> c) {
        var m = mod.match();
        if (m == null) return true;
        if (m.name() != null && !m.name().equals(c.resource().getName())) return false;
        return m.origin() == null || m.origin().equals(c.origin());
    }
}
