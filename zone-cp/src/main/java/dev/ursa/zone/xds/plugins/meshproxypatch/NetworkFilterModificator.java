package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.FilterMatch;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.NetworkFilterMod;
import dev.ursa.zone.xds.render.EnvoyResourceSet;
import dev.ursa.zone.xds.render.EnvoyResourceSet.Item;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;

import java.util.ArrayList;
import java.util.List;

/**
 * Kuma's network filter modificator: in every filter chain of the matched listeners, adds a filter (first, last,
 * before or after the named one; nowhere when that one is absent), removes the matched filters, or patches their typed
 * config (merged, or JSON-patched as its own type).
 */
record NetworkFilterModificator(NetworkFilterMod mod) implements Modificator {
    @Override
    public void apply(EnvoyResourceSet resources) throws InvalidProtocolBufferException {
        Filter value = Modificator.value(mod, Filter::newBuilder);
        FilterMatch m = mod.match();
        List<Item<Listener>> listeners = resources.listeners();
        for (int i = 0; i < listeners.size(); i++) {
            Item<Listener> l = listeners.get(i);
            if (m != null && !ListenerModificator.listenerMatches(l, m.listenerName(), m.origin(), m.listenerTags())) continue;
            Listener.Builder listener = l.resource().toBuilder();
            for (FilterChain.Builder chain : listener.getFilterChainsBuilderList()) {
                List<Filter> filters = new ArrayList<>(chain.getFiltersList());
                edit(filters, value);
                chain.clearFilters().addAllFilters(filters);
            }
            Listener edited = listener.build();
            if (!edited.equals(l.resource())) listeners.set(i, l.with(edited));
        }
    }

    private void edit(List<Filter> filters, Filter value) throws InvalidProtocolBufferException {
        String name = mod.match() == null ? null : mod.match().name();
        switch (mod.operation()) {
            case "AddFirst" -> filters.addFirst(value);
            case "AddLast" -> filters.add(value);
            case "AddBefore" -> {
                int at = indexOf(filters, name);
                if (at >= 0) filters.add(at, value);
            }
            case "AddAfter" -> {
                int at = indexOf(filters, name);
                if (at >= 0) filters.add(at + 1, value);
            }
            case "Remove" -> filters.removeIf(f -> name == null || name.equals(f.getName()));
            case "Patch" -> {
                for (int i = 0; i < filters.size(); i++) {
                    Filter f = filters.get(i);
                    if (name != null && !name.equals(f.getName())) continue;
                    filters.set(i, f.toBuilder().setTypedConfig(patched(f.getTypedConfig(), value.getTypedConfig())).build());
                }
            }
            default -> throw new InvalidProtocolBufferException("invalid operation: " + mod.operation());
        }
    }

    private Any patched(Any config, Any patch) throws InvalidProtocolBufferException {
        if (mod.jsonPatches() != null && !mod.jsonPatches().isEmpty()) {
            return ProtoMerge.pack(JsonPatches.apply(ProtoMerge.unpack(config), mod.jsonPatches()));
        }
        return ProtoMerge.mergeAnys(config, patch);
    }

    static <F> int indexOf(List<F> filters, String name, java.util.function.Function<F, String> nameOf) {
        for (int i = 0; i < filters.size(); i++) if (nameOf.apply(filters.get(i)).equals(name)) return i;
        return -1;
    }

    private static int indexOf(List<Filter> filters, String name) {
        return indexOf(filters, name, Filter::getName);
    }
}
