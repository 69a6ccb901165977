package dev.ursa.zone.xds.plugins.meshtrafficpermission;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.ItemEntry;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionPolicy;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Action;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Conf;
import dev.ursa.zone.xds.render.InboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MeshTrafficPermission ({@code from}) as an RBAC filter on each selected inbound of an Envoy sidecar. Items are taken
 * least specific first and a later item overrides an earlier one where their clients overlap, so the allowed set is:
 * for every Allow item, its clients minus the clients of every later Deny item. Clients are identified as Kuma does,
 * by the URI SANs of their mesh certificate ({@code spiffe://<mesh>/<service>}, {@code kuma://<tag>/<value>}): until
 * mesh mTLS exists only {@code kind: Mesh} items can match a client. Proxyless gRPC: not applied (Ursa serves gRPC
 * clients, not gRPC servers' xDS listeners).
 */
public final class MeshTrafficPermissionPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshTrafficPermissionPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        String mesh = cfg.view().id().mesh();
        for (InboundConfig in : cfg.inbounds()) {
            rules.from().forInbound(in.inbound().portOrZero()).ifPresent(r -> in.rbac(rbac(mesh, r)));
        }
    }

    static RBAC rbac(String mesh, FromRules.InboundRules rules) {
        List<ItemEntry> entries = rules.entries().stream().filter(e -> e.item().conf() != null
                && ((Conf) e.item().conf()).action() != null).toList();
        Map<String, Policy> policies = new TreeMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Action action = ((Conf) entries.get(i).item().conf()).action();
            if (action == Action.Deny) continue;
            Principal allowed = principal(mesh, entries.get(i).item().targetRef());
            List<Principal> laterDenies = new ArrayList<>();
            for (int j = i + 1; j < entries.size(); j++) {
                if (((Conf) entries.get(j).item().conf()).action() == Action.Deny) {
                    laterDenies.add(principal(mesh, entries.get(j).item().targetRef()));
                }
            }
            Principal p = laterDenies.isEmpty() ? allowed : Principal.newBuilder().setAndIds(Principal.Set.newBuilder()
                    .addIds(allowed)
                    .addIds(Principal.newBuilder().setNotId(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(laterDenies))))).build();
            String name = "MeshTrafficPermission/" + entries.get(i).policy().name() + "/" + i;
            policies.put(name, Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true)).addPrincipals(p).build());
        }
        // ALLOW with no policy denies everything: the most specific items were all Deny.
        return RBAC.newBuilder().setAction(RBAC.Action.ALLOW).putAllPolicies(policies).build();
    }

    static Principal principal(String mesh, TargetRef ref) {
        return switch (ref.kind()) {
            case Mesh -> Principal.newBuilder().setAny(true).build();
            case MeshService -> san("spiffe://" + mesh + "/" + ref.name());
            case MeshSubset -> tags(ref.tagsOrEmpty(), null);
            case MeshServiceSubset -> tags(ref.tagsOrEmpty(), san("spiffe://" + mesh + "/" + ref.name()));
            default -> Principal.newBuilder().setNotId(Principal.newBuilder().setAny(true)).build(); // matches no client
        };
    }

    private static Principal tags(Map<String, String> tags, Principal service) {
        Principal.Set.Builder and = Principal.Set.newBuilder();
        if (service != null) and.addIds(service);
        new TreeMap<>(tags).forEach((k, v) -> and.addIds(san("kuma://" + k + "/" + v)));
        if (and.getIdsCount() == 0) return Principal.newBuilder().setAny(true).build();
        return Principal.newBuilder().setAndIds(and).build();
    }

    private static Principal san(String uri) {
        return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder()
                .setPrincipalName(StringMatcher.newBuilder().setExact(uri))).build();
    }
}
