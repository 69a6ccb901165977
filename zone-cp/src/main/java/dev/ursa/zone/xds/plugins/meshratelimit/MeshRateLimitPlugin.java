package dev.ursa.zone.xds.plugins.meshratelimit;

import com.github.xds.type.matcher.v3.Matcher.MatcherList.Predicate;
import com.google.protobuf.Any;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitPolicy;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Match;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.render.ClientPredicates;
import dev.ursa.zone.xds.render.InboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.ursa.zone.xds.plugins.meshratelimit.RateLimitConfigs.HTTP_FILTER;

/**
 * MeshRateLimit as Kuma 2.14 renders it on the inbounds of an Envoy sidecar ({@link InboundRateLimits} says what each
 * inbound gets). The every-client conf: on an HTTP inbound, {@code envoy.filters.http.local_ratelimit} before the router
 * and the token bucket on each of the inbound's routes ({@code typed_per_filter_config}); on every inbound, HTTP ones
 * included, the connection limit first in the filter chain. Rules by SPIFFE ID: Kuma duplicates the routes with a match
 * on a filter state set at the end of the TLS handshake, which the Envoy API Ursa builds against lacks; Ursa renders each
 * rule as a rate limit filter of its own, run only for clients whose certificate matches it and no rule before it (as
 * MeshFaultInjection guards its faults), and the every-client limit for the clients no rule matches. {@code to}
 * (built-in gateways) is not rendered: Ursa has no built-in gateway.
 *
 * <p>Proxyless gRPC: not applied. gRPC's xDS clients and servers implement no local rate limit filter (grpc-java knows
 * the fault, RBAC, router and a few client-side filters only), so nothing is sent and {@link #notApplied} says so.
 */
public final class MeshRateLimitPlugin implements PolicyPlugin {
    static final String PROXYLESS_NOTE = "not applied to proxyless gRPC dataplanes: gRPC's xDS support has no local rate "
            + "limit filter (requests and connections are not limited)";

    @Override
    public PolicyType descriptor() {
        return MeshRateLimitPolicy.TYPE;
    }

    @Override
    public Optional<String> notApplied(Flavour flavour) {
        return flavour == Flavour.PROXYLESS ? Optional.of(PROXYLESS_NOTE) : Optional.empty();
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        for (InboundConfig in : cfg.inbounds()) {
            InboundRateLimits limits = InboundRateLimits.of(rules.matches(), in.inbound());
            limits.everyClient().flatMap(RateLimitConfigs::tcp).ifPresent(in::addNetworkFilter);
            if (in.http()) http(in, limits);
        }
    }

    private static void http(InboundConfig in, InboundRateLimits limits) {
        Optional<LocalRateLimit> everyClient = limits.everyClient().flatMap(RateLimitConfigs::http);
        if (limits.byIdentity().isEmpty()) {
            everyClient.ifPresent(limit -> {
                in.addHttpFilter(HttpFilter.newBuilder().setName(HTTP_FILTER).setTypedConfig(Any.pack(RateLimitConfigs.httpFilterBase())).build());
                onEveryRoute(in, limit);
            });
            return;
        }
        List<Predicate> before = new ArrayList<>();
        for (int i = 0; i < limits.byIdentity().size(); i++) {
            InboundRateLimits.ClientRule rule = limits.byIdentity().get(i);
            Predicate client = client(rule.match());
            Predicate only = before.isEmpty() ? client : ClientPredicates.and(List.of(client, ClientPredicates.not(ClientPredicates.or(before))));
            String name = HTTP_FILTER + "/client-" + i;
            // A rule that disables the limit renders no filter, and still takes its clients from the rules after it.
            RateLimitConfigs.http(rule.conf()).ifPresent(limit -> in.addHttpFilter(ClientPredicates.onlyFor(name, HTTP_FILTER, limit, only)));
            before.add(client);
        }
        everyClient.ifPresent(limit -> in.addHttpFilter(ClientPredicates.onlyFor(HTTP_FILTER + "/other-clients", HTTP_FILTER, limit,
                ClientPredicates.not(ClientPredicates.or(before)))));
    }

    /** Kuma's {@code addRateLimitToRoute}: a route that already has a local rate limit keeps it. */
    private static void onEveryRoute(InboundConfig in, LocalRateLimit limit) {
        if (!in.hcm.hasRouteConfig()) return;
        Any config = Any.pack(limit);
        for (VirtualHost.Builder vh : in.hcm.getRouteConfigBuilder().getVirtualHostsBuilderList()) {
            for (Route.Builder route : vh.getRoutesBuilderList()) {
                if (!route.containsTypedPerFilterConfig(HTTP_FILTER)) route.putTypedPerFilterConfig(HTTP_FILTER, config);
            }
        }
    }

    /** The clients of a rule's match: its SPIFFE ID among the certificate's URI SANs, and its SNI when it has one. */
    private static Predicate client(Match match) {
        List<Predicate> all = new ArrayList<>();
        all.add(ClientPredicates.spiffeId(match.spiffeID().value(), match.spiffeID().prefix()));
        if (match.sni() != null && match.sni().value() != null) all.add(ClientPredicates.serverName(match.sni().value()));
        return ClientPredicates.and(all);
    }
}
