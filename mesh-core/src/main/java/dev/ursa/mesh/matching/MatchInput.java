package dev.ursa.mesh.matching;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.DataplaneSpec;

import java.util.Map;
import java.util.Objects;

/** What the matcher needs to know about one dataplane: its spec (inbound tags), its name and its meta labels. */
public record MatchInput(DataplaneSpec dataplane, String name, Map<String, String> labels) {
    public MatchInput {
        Objects.requireNonNull(dataplane);
        name = name == null ? "" : name;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static MatchInput of(Resource dataplane) {
        return new MatchInput(dataplane.spec(DataplaneSpec.class), dataplane.meta().name(), dataplane.meta().labels());
    }

    /** Kuma's proxy type: a dataplane with a gateway block is a Gateway, anything else a Sidecar. */
    boolean gateway() {
        return dataplane.gateway().isPresent();
    }
}
