package dev.ursa.zone.xds.plugins;

import dev.ursa.zone.xds.plugins.meshaccesslog.MeshAccessLogPlugin;
import dev.ursa.zone.xds.plugins.meshcircuitbreaker.MeshCircuitBreakerPlugin;
import dev.ursa.zone.xds.plugins.meshfaultinjection.MeshFaultInjectionPlugin;
import dev.ursa.zone.xds.plugins.meshhealthcheck.MeshHealthCheckPlugin;
import dev.ursa.zone.xds.plugins.meshhttproute.MeshHTTPRoutePlugin;
import dev.ursa.zone.xds.plugins.meshloadbalancingstrategy.MeshLoadBalancingStrategyPlugin;
import dev.ursa.zone.xds.plugins.meshpassthrough.MeshPassthroughPlugin;
import dev.ursa.zone.xds.plugins.meshratelimit.MeshRateLimitPlugin;
import dev.ursa.zone.xds.plugins.meshproxypatch.MeshProxyPatchPlugin;
import dev.ursa.zone.xds.plugins.meshmetric.MeshMetricPlugin;
import dev.ursa.zone.xds.plugins.meshretry.MeshRetryPlugin;
import dev.ursa.zone.xds.plugins.meshtcproute.MeshTCPRoutePlugin;
import dev.ursa.zone.xds.plugins.meshtimeout.MeshTimeoutPlugin;
import dev.ursa.zone.xds.plugins.meshtls.MeshTLSPlugin;
import dev.ursa.zone.xds.plugins.meshtrace.MeshTracePlugin;
import dev.ursa.zone.xds.plugins.meshtrafficpermission.MeshTrafficPermissionPlugin;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.PolicyPlugins;

import java.util.List;

/**
 * The zone's built-in policy plugins: one registration per policy type, each keyed by the type's descriptor, which
 * also says where it runs ({@link dev.ursa.mesh.model.PolicyType#order()}). {@code PolicyPluginsTest} checks that every
 * registered policy type has exactly one.
 */
public final class Plugins {
    private Plugins() {
    }

    public static PolicyPlugins builtIn() {
        return PolicyPlugins.of(List.of(new MeshHTTPRoutePlugin(), new MeshTimeoutPlugin(), new MeshRetryPlugin(),
                new MeshLoadBalancingStrategyPlugin(), new MeshCircuitBreakerPlugin(), new MeshHealthCheckPlugin(),
                new MeshTrafficPermissionPlugin(), new MeshTLSPlugin(), new MeshFaultInjectionPlugin(), new MeshRateLimitPlugin(),
                new MeshTCPRoutePlugin(), new MeshPassthroughPlugin(),
                new MeshAccessLogPlugin(), new MeshTracePlugin(), new MeshMetricPlugin(),
                new MeshProxyPatchPlugin()));
    }

    /** The built-in plugins in the order they run. */
    public static List<PolicyPlugin> all() {
        return builtIn().inOrder();
    }
}
