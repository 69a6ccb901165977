package dev.ursa.zone.xds.plugins.meshtrafficpermission;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.ItemEntry;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionPolicy;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Action;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Conf;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Match;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Rule;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.RuleConf;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.SpiffeIdMatchType;
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
 * by the URI SANs of their mesh certificate ({@code spiffe://<mesh>/<service>}, {@code kuma://<tag>/<value>}), which
 * Envoy sees as the authenticated peer of the mesh mTLS session (without mTLS only {@code kind: Mesh} items can match
 * a client). The {@code rules} form ({@link #rbacOfRules}) matches SPIFFE IDs directly. Proxyless gRPC servers
 * (XdsServerBuilder) get the same rules as the RBAC HTTP filter of their server listener; gRPC matches a principal name
 * against the client certificate's URI SANs as Envoy does.
 */
public final class MeshTrafficPermissionPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshTrafficPermissionPolicy.TYPE;
    }

    /** A proxyless gRPC server (XdsServerBuilder) gets the same RBAC as its HTTP filter (gRFC A41). */
    @Override
    public void applyProxyless(ProxyConfig cfg, PolicyRules rules) {
        applyEnvoy(cfg, rules);
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        String mesh = cfg.view().id().mesh();
        for (InboundConfig in : cfg.inbounds()) {
            List<PolicyMatch> identityRules = rules.matches().stream()
                    .filter(m -> m.spec() instanceof MeshTrafficPermissionSpec s && !s.rulesOrEmpty().isEmpty())
                    .filter(m -> m.inbounds().isEmpty() || m.inbounds().contains(in.inbound())).toList();
            if (!identityRules.isEmpty()) {
                in.rbac(rbacOfRules(identityRules));
            } else {
                rules.from().forInbound(in.inbound().portOrZero()).ifPresent(r -> in.rbac(rbac(mesh, r)));
            }
        }
    }

    /**
     * Kuma 2.14's {@code rules} form, by SPIFFE ID of the client certificate: a client is let in when it matches an
     * {@code allow} or {@code allowWithShadowDeny} entry of any selecting policy and no {@code deny} entry (deny wins).
     * When such policies select an inbound, {@code from} items of other policies are not applied to it.
     */
    static RBAC rbacOfRules(List<PolicyMatch> matches) {
        List<Principal> allows = new ArrayList<>();
        List<Principal> denies = new ArrayList<>();
        for (PolicyMatch m : matches) {
            for (Rule rule : ((MeshTrafficPermissionSpec) m.spec()).rulesOrEmpty()) {
                RuleConf conf = rule.defaults();
                if (conf == null) continue;
                spiffe(conf.allow()).forEach(allows::add);
                spiffe(conf.allowWithShadowDeny()).forEach(allows::add);
                spiffe(conf.deny()).forEach(denies::add);
            }
        }
        RBAC.Builder rbac = RBAC.newBuilder().setAction(RBAC.Action.ALLOW);
        if (allows.isEmpty()) return rbac.build(); // nobody is allowed
        Principal allowed = Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(allows)).build();
        Principal p = denies.isEmpty() ? allowed : Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addIds(allowed)
                .addIds(Principal.newBuilder().setNotId(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(denies))))).build();
        return rbac.putPolicies("MeshTrafficPermission/rules", Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true))
                .addPrincipals(p).build()).build();
    }

    private static List<Principal> spiffe(List<Match> matches) {
        if (matches == null) return List.of();
        List<Principal> out = new ArrayList<>();
        for (Match m : matches) {
            if (m == null || m.spiffeID() == null || m.spiffeID().value() == null) continue;
            StringMatcher.Builder sm = StringMatcher.newBuilder();
            if (m.spiffeID().type() == SpiffeIdMatchType.Prefix) sm.setPrefix(m.spiffeID().value()); else sm.setExact(m.spiffeID().value());
            out.add(Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(sm)).build());
        }
        return out;
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
