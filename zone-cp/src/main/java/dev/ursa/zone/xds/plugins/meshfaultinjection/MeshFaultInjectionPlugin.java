package dev.ursa.zone.xds.plugins.meshfaultinjection;

import com.google.protobuf.Any;
import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.ItemEntry;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.common.InboundMatch;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionPolicy;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionSpec;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionSpec.Conf;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionSpec.Fault;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionSpec.Rule;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.zone.xds.mtls.WorkloadIdentity;
import dev.ursa.zone.xds.render.InboundConfig;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.DestinationInbound;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * MeshFaultInjection as Kuma 2.14 renders it: on each selected HTTP inbound of an Envoy sidecar, one
 * {@code envoy.filters.http.fault} filter per fault, before the router. {@code from} items: a client gets the faults of
 * the most specific item that matches it (lists replace on merge), so each item's faults are guarded by "this item's
 * clients and none of a more specific item's"; Kuma matches clients by its {@code x-kuma-tags} header, Ursa by their
 * mesh certificate ({@link FaultFilters#client}), as MeshTrafficPermission does. {@code rules}: every rule whose matches
 * fit the client (its SPIFFE ID) adds its faults. {@code to} (gateways) is not rendered: Ursa has no built-in gateway.
 *
 * <p>Proxyless: grpc-java's fault filter runs in the client only (gRFC A33), so a proxyless client applies, for each
 * service it calls, the faults the service's inbounds would apply to it (delay and abort; no response bandwidth limit),
 * evaluated for the client's own tags and SPIFFE ID. When the service's inbounds in the zone disagree (a policy selects
 * only some of them), the client applies none. A proxyless server applies nothing.
 */
public final class MeshFaultInjectionPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshFaultInjectionPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        String mesh = cfg.view().id().mesh();
        for (InboundConfig in : cfg.inbounds()) {
            if (!in.http()) continue;
            List<PolicyMatch> withRules = rulesSelecting(rules.matches(), in.inbound());
            if (!withRules.isEmpty()) {
                for (PolicyMatch m : withRules) {
                    for (Rule rule : spec(m).rules()) {
                        if (rule == null || rule.defaultConf() == null) continue;
                        for (Fault f : rule.defaultConf().httpOrEmpty()) {
                            FaultFilters.envoy(f, "MeshFaultInjection/" + m.name(), FaultFilters.identity(rule.matchesOrEmpty()))
                                    .ifPresent(in::addHttpFilter);
                        }
                    }
                }
                continue;
            }
            rules.from().forInbound(in.inbound().portOrZero()).ifPresent(r -> fromFilters(mesh, r).forEach(in::addHttpFilter));
        }
    }

    /** Most specific item first; each guarded so that only the clients it is the most specific match for get its faults. */
    static List<HttpFilter> fromFilters(String mesh, FromRules.InboundRules rules) {
        List<ItemEntry> entries = overriding(rules.entries());
        List<HttpFilter> out = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            ItemEntry e = entries.get(i);
            List<TargetRef> moreSpecific = entries.subList(i + 1, entries.size()).stream().map(x -> x.item().targetRef()).toList();
            if (moreSpecific.stream().anyMatch(t -> t.kind() == TargetRefKind.Mesh)) continue; // every client is overridden
            var guard = FaultFilters.client(mesh, e.item().targetRef(), moreSpecific);
            for (Fault f : ((Conf) e.item().conf()).httpOrEmpty()) {
                FaultFilters.envoy(f, "MeshFaultInjection/" + e.policy().name(), guard).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The items whose {@code default} sets {@code http}: only they replace a less specific item's faults. */
    private static List<ItemEntry> overriding(List<ItemEntry> entries) {
        return entries.stream().filter(e -> e.item().conf() instanceof Conf c && c.http() != null
                && e.item().targetRef() != null && e.item().targetRef().kind() != null).toList();
    }

    private static List<PolicyMatch> rulesSelecting(List<PolicyMatch> matches, Inbound inbound) {
        return matches.stream().filter(m -> !spec(m).rules().isEmpty())
                .filter(m -> m.inbounds().isEmpty() || m.inbounds().contains(inbound)).toList();
    }

    private static MeshFaultInjectionSpec spec(PolicyMatch m) {
        return (MeshFaultInjectionSpec) m.spec();
    }

    @Override
    public void applyProxyless(ProxyConfig cfg, PolicyRules rules) {
        String mesh = cfg.view().id().mesh();
        List<Map<String, String>> clientTags = cfg.view().spec().inbounds().stream().map(Inbound::tagsOrEmpty).toList();
        List<String> identities = WorkloadIdentity.uris(mesh, cfg.view().spec());
        for (OutboundConfig out : cfg.outbounds()) {
            List<DestinationInbound> inbounds = rules.destinations().get(out.service());
            if (inbounds == null || inbounds.isEmpty()) continue;
            List<List<Fault>> perInbound = inbounds.stream().map(d -> faultsFor(d, clientTags, identities)).distinct().toList();
            if (perInbound.size() != 1) continue; // the service's inbounds disagree: a client cannot pick per endpoint
            int n = 0;
            for (Fault f : perInbound.getFirst()) {
                HTTPFault fault = FaultFilters.grpc(f);
                if (fault == null) continue;
                out.hcm.addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault/" + n++).setTypedConfig(Any.pack(fault)));
            }
        }
    }

    /** The faults one destination inbound applies to this client, in order. */
    static List<Fault> faultsFor(DestinationInbound d, List<Map<String, String>> clientTags, List<String> identities) {
        List<PolicyMatch> withRules = rulesSelecting(d.matches(), d.inbound());
        List<Fault> out = new ArrayList<>();
        if (!withRules.isEmpty()) {
            for (PolicyMatch m : withRules) {
                for (Rule rule : spec(m).rules()) {
                    if (rule == null || rule.defaultConf() == null) continue;
                    if (rule.matchesOrEmpty().isEmpty() || rule.matchesOrEmpty().stream().anyMatch(x -> matches(x, identities))) {
                        out.addAll(rule.defaultConf().httpOrEmpty().stream().filter(Objects::nonNull).toList());
                    }
                }
            }
            return out;
        }
        if (d.from().isEmpty()) return out;
        List<ItemEntry> entries = overriding(d.from().get().entries());
        List<Map<String, String>> tags = clientTags.isEmpty() ? List.of(Map.of()) : clientTags;
        for (int i = entries.size() - 1; i >= 0; i--) {
            TargetRef ref = entries.get(i).item().targetRef();
            if (tags.stream().anyMatch(t -> FromRules.appliesToClient(ref, t))) {
                out.addAll(((Conf) entries.get(i).item().conf()).httpOrEmpty().stream().filter(Objects::nonNull).toList());
                break;
            }
        }
        return out;
    }

    private static boolean matches(InboundMatch m, List<String> identities) {
        if (m == null || m.spiffeID() == null || m.spiffeID().value() == null) return false; // SNI: no TLS SNI from gRPC clients
        String v = m.spiffeID().value();
        return identities.stream().anyMatch(id -> m.spiffeID().type() == InboundMatch.SpiffeIdType.Prefix ? id.startsWith(v) : id.equals(v));
    }
}
