package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.VirtualHostMatch;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.VirtualHostMod;
import dev.ursa.zone.xds.render.EnvoyResourceSet;
import dev.ursa.zone.xds.render.EnvoyResourceSet.Item;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;

import java.util.ArrayList;
import java.util.List;

/**
 * Kuma's virtual host modificator: adds a virtual host to, removes the matched ones from, or patches the matched ones
 * of the route configurations the match selects (by origin and name). Kuma edits the route configurations embedded in
 * listeners' HTTP connection managers, where it renders every route; Ursa's Envoy sidecars embed them in inbound
 * listeners and serve outbound ones over RDS, so both are edited (an RDS route configuration's origin is
 * {@code outbound}).
 */
record VirtualHostModificator(VirtualHostMod mod) implements Modificator {
    @Override
    public void apply(EnvoyResourceSet resources) throws InvalidProtocolBufferException {
        VirtualHost value = Modificator.value(mod, VirtualHost::newBuilder);
        VirtualHostMatch m = mod.match();
        List<Item<Listener>> listeners = resources.listeners();
        for (int i = 0; i < listeners.size(); i++) {
            Item<Listener> l = listeners.get(i);
            if (!originMatches(l.origin())) continue;
            Listener.Builder listener = l.resource().toBuilder();
            for (FilterChain.Builder chain : listener.getFilterChainsBuilderList()) {
                for (Filter.Builder network : chain.getFiltersBuilderList()) {
                    if (!network.getName().equals(HttpFilterModificator.HCM)) continue;
                    HttpConnectionManager hcm = network.getTypedConfig().unpack(HttpConnectionManager.class);
                    if (!hcm.hasRouteConfig()) continue; // RDS: the route configuration resource is edited below
                    RouteConfiguration edited = edit(hcm.getRouteConfig(), value);
                    if (edited != hcm.getRouteConfig()) network.setTypedConfig(Any.pack(hcm.toBuilder().setRouteConfig(edited).build()));
                }
            }
            Listener edited = listener.build();
            if (!edited.equals(l.resource())) listeners.set(i, l.with(edited));
        }
        List<Item<RouteConfiguration>> routes = resources.routes();
        for (int i = 0; i < routes.size(); i++) {
            Item<RouteConfiguration> r = routes.get(i);
            if (!originMatches(r.origin())) continue;
            RouteConfiguration edited = edit(r.resource(), value);
            if (edited != r.resource()) routes.set(i, r.with(edited));
        }
    }

    private boolean originMatches(String origin) {
        return mod.match() == null || mod.match().origin() == null || mod.match().origin().equals(origin);
    }

    /** The route configuration edited, or the same object when the match does not select it or nothing changed. */
    private RouteConfiguration edit(RouteConfiguration rc, VirtualHost value) throws InvalidProtocolBufferException {
        VirtualHostMatch m = mod.match();
        if (m != null && m.routeConfigurationName() != null && !m.routeConfigurationName().equals(rc.getName())) return rc;
        List<VirtualHost> hosts = new ArrayList<>(rc.getVirtualHostsList());
        switch (mod.operation()) {
            case "Add" -> hosts.add(value);
            case "Remove" -> hosts.removeIf(this::matches);
            case "Patch" -> {
                for (int i = 0; i < hosts.size(); i++) {
                    if (matches(hosts.get(i))) hosts.set(i, Modificator.patch(hosts.get(i), mod, value));
                }
            }
            default -> throw new InvalidProtocolBufferException("invalid operation: " + mod.operation());
        }
        if (hosts.equals(rc.getVirtualHostsList())) return rc;
        return rc.toBuilder().clearVirtualHosts().addAllVirtualHosts(hosts).build();
    }

    private boolean matches(VirtualHost vh) {
        return mod.match() == null || mod.match().name() == null || mod.match().name().equals(vh.getName());
    }
}
