package dev.ursa.zone.xds;

import dev.ursa.mesh.model.Resource;

import java.util.Map;
import java.util.Objects;

/**
 * What a node's view depends on (its name only if a policy of the mesh names dataplanes). Its hash is computed once:
 * every node's key is looked up on every change of its mesh. Immutable.
 */
record ViewKey(Flavour flavour, Object spec, Map<String, String> labels, String name, boolean registered, int hash) {
    static ViewKey of(Flavour flavour, Resource dp, String name, boolean registered) {
        return new ViewKey(flavour, dp.spec(), dp.meta().labels(), name, registered,
                Objects.hash(flavour, dp.spec(), dp.meta().labels(), name, registered));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ViewKey k && k.hash == hash && k.registered == registered && k.flavour == flavour
                && k.name.equals(name) && k.spec.equals(spec) && k.labels.equals(labels);
    }
}
