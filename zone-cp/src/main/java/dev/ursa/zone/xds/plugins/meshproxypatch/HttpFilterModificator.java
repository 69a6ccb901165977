package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.FilterMatch;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.HttpFilterMod;
import dev.ursa.zone.xds.render.EnvoyResourceSet;
import dev.ursa.zone.xds.render.EnvoyResourceSet.Item;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * Kuma's HTTP filter modificator: in every HTTP connection manager of the matched listeners' filter chains, adds an HTTP
 * filter (first, last, before or after the named one), removes the matched filters, or patches their typed config.
 */
record HttpFilterModificator(HttpFilterMod mod) implements Modificator {
    static final String HCM = "envoy.filters.network.http_connection_manager";

    @Override
    public void apply(EnvoyResourceSet resources) throws InvalidProtocolBufferException {
        HttpFilter value = Modificator.value(mod, HttpFilter::newBuilder);
        FilterMatch m = mod.match();
        List<Item<Listener>> listeners = resources.listeners();
        for (int i = 0; i < listeners.size(); i++) {
            Item<Listener> l = listeners.get(i);
            if (m != null && !ListenerModificator.listenerMatches(l, m.listenerName(), m.origin(), m.listenerTags())) continue;
            Listener.Builder listener = l.resource().toBuilder();
            for (FilterChain.Builder chain : listener.getFilterChainsBuilderList()) {
                for (Filter.Builder network : chain.getFiltersBuilderList()) {
                    if (!network.getName().equals(HCM)) continue;
                    HttpConnectionManager.Builder hcm = network.getTypedConfig().unpack(HttpConnectionManager.class).toBuilder();
                    List<HttpFilter> filters = new ArrayList<>(hcm.getHttpFiltersList());
                    edit(filters, value);
                    network.setTypedConfig(Any.pack(hcm.clearHttpFilters().addAllHttpFilters(filters).build()));
                }
            }
            Listener edited = listener.build();
            if (!edited.equals(l.resource())) listeners.set(i, l.with(edited));
        }
    }

    private static final FilterListEdit<HttpFilter> FILTERS = new FilterListEdit<>(HttpFilter::getName, HttpFilter::getTypedConfig,
            (f, config) -> f.toBuilder().setTypedConfig(config).build());

    private void edit(List<HttpFilter> filters, HttpFilter value) throws InvalidProtocolBufferException {
        FILTERS.apply(filters, value, mod, mod.match() == null ? null : mod.match().name());
    }
}
