package dev.ursa.zone.xds.plugins.meshproxypatch;

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

    private static final FilterListEdit<Filter> FILTERS = new FilterListEdit<>(Filter::getName, Filter::getTypedConfig,
            (f, config) -> f.toBuilder().setTypedConfig(config).build());

    private void edit(List<Filter> filters, Filter value) throws InvalidProtocolBufferException {
        FILTERS.apply(filters, value, mod, mod.match() == null ? null : mod.match().name());
    }
}
