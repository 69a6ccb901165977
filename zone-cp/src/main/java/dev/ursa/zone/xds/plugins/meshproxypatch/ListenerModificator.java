package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.mesh.matching.TagSelector;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.ListenerMod;
import dev.ursa.zone.xds.render.EnvoyResourceSet;
import dev.ursa.zone.xds.render.EnvoyResourceSet.Item;
import io.envoyproxy.envoy.config.listener.v3.Listener;

import java.util.List;
import java.util.Map;

/** Kuma's listener modificator: Add (replacing a listener of the same name), Remove and Patch the matched listeners. */
record ListenerModificator(ListenerMod mod) implements Modificator {
    /** The origin Kuma gives an added listener. */
    static final String ADDED = "mesh-proxy-patch";

    @Override
    public void apply(EnvoyResourceSet resources) throws InvalidProtocolBufferException {
        Listener value = Modificator.value(mod, Listener::newBuilder);
        List<Item<Listener>> listeners = resources.listeners();
        switch (mod.operation()) {
            case "Add" -> EnvoyResourceSet.put(listeners, new Item<>(value, ADDED, Map.of()), Listener::getName);
            case "Remove" -> listeners.removeIf(this::matches);
            case "Patch" -> {
                for (int i = 0; i < listeners.size(); i++) {
                    Item<Listener> l = listeners.get(i);
                    if (!matches(l)) continue;
                    Listener patched = Modificator.patch(l.resource(), mod, value);
                    if (!patched.equals(l.resource())) listeners.set(i, l.with(patched));
                }
            }
            default -> throw new InvalidProtocolBufferException("invalid operation: " + mod.operation());
        }
    }

    private boolean matches(Item<Listener> l) {
        var m = mod.match();
        return m == null || listenerMatches(l, m.name(), m.origin(), m.tags());
    }

    /** Kuma's listener matching (name, origin, tags), shared with the network and HTTP filter modificators. */
    static boolean listenerMatches(Item<Listener> l, String name, String origin, Map<String, String> tags) {
        if (name != null && !name.equals(l.resource().getName())) return false;
        if (origin != null && !origin.equals(l.origin())) return false;
        return tags == null || tags.isEmpty() || TagSelector.matches(tags, l.tags());
    }
}
