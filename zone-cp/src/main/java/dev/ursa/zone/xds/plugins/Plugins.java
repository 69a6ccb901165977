package dev.ursa.zone.xds.plugins;

import dev.ursa.zone.xds.plugins.meshcircuitbreaker.MeshCircuitBreakerPlugin;
import dev.ursa.zone.xds.plugins.meshhealthcheck.MeshHealthCheckPlugin;
import dev.ursa.zone.xds.plugins.meshhttproute.MeshHTTPRoutePlugin;
import dev.ursa.zone.xds.plugins.meshloadbalancingstrategy.MeshLoadBalancingStrategyPlugin;
import dev.ursa.zone.xds.plugins.meshretry.MeshRetryPlugin;
import dev.ursa.zone.xds.plugins.meshtimeout.MeshTimeoutPlugin;
import dev.ursa.zone.xds.plugins.meshtrafficpermission.MeshTrafficPermissionPlugin;
import dev.ursa.zone.xds.render.PolicyPlugin;

import java.util.List;

/** Every policy plugin, in the order they run: routes first, so later plugins see every route. */
public final class Plugins {
    private Plugins() {
    }

    public static List<PolicyPlugin> all() {
        return List.of(new MeshHTTPRoutePlugin(), new MeshTimeoutPlugin(), new MeshRetryPlugin(),
                new MeshLoadBalancingStrategyPlugin(), new MeshCircuitBreakerPlugin(), new MeshHealthCheckPlugin(),
                new MeshTrafficPermissionPlugin());
    }
}
