package dev.ursa.zone.xds.plugins.meshhttproute;

import com.google.protobuf.UInt32Value;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.common.HttpHeaderMatch;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRoutePolicy;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.BackendRef;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.Filter;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.HeaderKeyValue;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.Match;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.Rule;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MeshHTTPRoute: the rules of every route whose {@code to} names a destination replace that destination's default
 * route (a catch-all to the service stays last). Matches (path, method, headers, query parameters) and weighted
 * backends ({@code MeshService}, or {@code MeshServiceSubset} as a subset cluster) in both flavours; header modifier
 * filters for Envoy only. Of two routes, the more specific policy's rules come first; a rule whose matches equal an
 * earlier one's is dropped (the more specific wins, as Kuma merges rules by their matches).
 * Proxyless gRPC clients do not support query-parameter matches (grpc-java ignores such a route) or filters.
 */
public final class MeshHTTPRoutePlugin implements PolicyPlugin {
    private static final long MAX_WEIGHT_SUM = 0xFFFF_FFFFL;

    /**
     * What a flavour can express of a route.
     *
     * @param everyOutbound route every outbound (a gRPC client's are all HTTP/2), not only those of an HTTP protocol
     * @param queryParams   query-parameter matches
     * @param headerFilters request and response header modifiers
     */
    private record Dialect(boolean everyOutbound, boolean queryParams, boolean headerFilters) {
    }

    private static final Dialect ENVOY = new Dialect(false, true, true);
    private static final Dialect PROXYLESS = new Dialect(true, false, false);

    @Override
    public PolicyType descriptor() {
        return MeshHTTPRoutePolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        apply(cfg, rules, ENVOY);
    }

    @Override
    public void applyProxyless(ProxyConfig cfg, PolicyRules rules) {
        apply(cfg, rules, PROXYLESS);
    }

    private static void apply(ProxyConfig cfg, PolicyRules rules, Dialect dialect) {
        for (OutboundConfig out : cfg.outbounds()) {
            if (!dialect.everyOutbound() && !out.http()) continue;
            List<Rule> merged = rulesFor(out.service(), rules.matches());
            if (merged.isEmpty()) continue;
            List<Route.Builder> routes = new ArrayList<>();
            int i = 0;
            for (Rule rule : merged) {
                List<Match> matches = rule.matches() == null || rule.matches().isEmpty() ? List.of(new Match(null, null, null, null)) : rule.matches();
                for (Match m : matches) {
                    if (!dialect.queryParams() && m.queryParams() != null && !m.queryParams().isEmpty()) continue;
                    routes.add(route(cfg, out, rule, m, "route-" + i++, dialect));
                }
            }
            Route.Builder fallback = out.routes.stream().filter(r -> r.getName().equals("default")).findFirst().orElse(null);
            out.routes.clear();
            out.routes.addAll(routes);
            if (fallback != null) out.routes.add(fallback);
        }
    }

    /** Rules for {@code service}, most specific policy first, duplicates by matches dropped (MeshTCPRoute asks too). */
    public static List<Rule> rulesFor(String service, List<PolicyMatch> matches) {
        List<Rule> out = new ArrayList<>();
        List<List<Match>> seen = new ArrayList<>();
        for (int p = matches.size() - 1; p >= 0; p--) {
            MeshHTTPRouteSpec spec = (MeshHTTPRouteSpec) matches.get(p).policy().spec();
            for (MeshHTTPRouteSpec.To to : spec.to()) {
                if (!appliesTo(to.targetRef(), service) || to.rules() == null) continue;
                for (Rule r : to.rules()) {
                    List<Match> key = r.matches() == null ? List.of() : r.matches();
                    if (seen.contains(key)) continue;
                    seen.add(key);
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static boolean appliesTo(TargetRef ref, String service) {
        if (ref == null || ref.kind() == null) return false;
        return switch (ref.kind()) {
            case Mesh -> true;
            case MeshService, MeshExternalService, MeshMultiZoneService -> service.equals(ref.name());
            default -> false;
        };
    }

    private static Route.Builder route(ProxyConfig cfg, OutboundConfig out, Rule rule, Match m, String name, Dialect dialect) {
        Route.Builder r = Route.newBuilder().setName(name).setMatch(match(m));
        List<BackendRef> backends = rule.defaults() == null || rule.defaults().backendRefs() == null ? List.of() : rule.defaults().backendRefs();
        RouteAction.Builder action = RouteAction.newBuilder();
        if (backends.isEmpty()) {
            action.setCluster(clusterOf(cfg, ClusterRef.of(out.service())));
        } else if (backends.size() == 1) {
            action.setCluster(clusterOf(cfg, ref(backends.getFirst(), out.service())));
        } else {
            List<BackendRef> weighted = backends.stream().filter(b -> b.weight() == null || b.weight() > 0).toList();
            if (weighted.isEmpty()) {
                // Every backend has weight 0: nothing may get the request (Gateway API: 500; gRPC fails it UNAVAILABLE).
                return r.setDirectResponse(DirectResponseAction.newBuilder().setStatus(500));
            }
            long sum = weighted.stream().mapToLong(b -> b.weight() == null ? 1 : b.weight()).sum();
            // Envoy refuses a weight sum past uint32: scale down, keeping every backend at least 1.
            long divisor = sum <= MAX_WEIGHT_SUM ? 1 : Math.ceilDiv(sum, MAX_WEIGHT_SUM - weighted.size());
            WeightedCluster.Builder wc = WeightedCluster.newBuilder();
            for (BackendRef b : weighted) {
                long weight = Math.max(1, (b.weight() == null ? 1 : b.weight()) / divisor);
                wc.addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(clusterOf(cfg, ref(b, out.service()))).setWeight(UInt32Value.of((int) weight)));
            }
            action.setWeightedClusters(wc);
        }
        r.setRoute(action);
        if (dialect.headerFilters() && rule.defaults() != null && rule.defaults().filters() != null) {
            for (Filter f : rule.defaults().filters()) filter(r, f);
        }
        return r;
    }

    private static String clusterOf(ProxyConfig cfg, ClusterRef ref) {
        cfg.cluster(ref);
        return ref.name();
    }

    static ClusterRef ref(BackendRef b, String fallback) {
        String service = b.name() == null || b.name().isEmpty() ? fallback : b.name();
        Map<String, String> tags = b.kind() != null && b.kind().name().equals("MeshServiceSubset") && b.tags() != null ? b.tags() : Map.of();
        return new ClusterRef(service, tags);
    }

    static RouteMatch.Builder match(Match m) {
        RouteMatch.Builder rm = RouteMatch.newBuilder();
        if (m.path() == null || m.path().type() == null) {
            rm.setPrefix("/");
        } else {
            switch (m.path().type()) {
                case Exact -> rm.setPath(m.path().value());
                case PathPrefix -> rm.setPrefix(m.path().value());
                case RegularExpression -> rm.setSafeRegex(RegexMatcher.newBuilder().setRegex(m.path().value()));
            }
        }
        if (m.method() != null) {
            rm.addHeaders(HeaderMatcher.newBuilder().setName(":method").setStringMatch(StringMatcher.newBuilder().setExact(m.method().name())));
        }
        if (m.headers() != null) m.headers().forEach(h -> rm.addHeaders(header(h)));
        if (m.queryParams() != null) {
            for (var q : m.queryParams()) {
                StringMatcher.Builder sm = StringMatcher.newBuilder();
                if (q.type() == MeshHTTPRouteSpec.QueryParamsMatchType.RegularExpression && !orEmpty(q.value()).isEmpty()) {
                    sm.setSafeRegex(RegexMatcher.newBuilder().setRegex(q.value()));
                } else {
                    sm.setExact(orEmpty(q.value()));
                }
                rm.addQueryParameters(QueryParameterMatcher.newBuilder().setName(q.name()).setStringMatch(sm));
            }
        }
        return rm;
    }

    static HeaderMatcher header(HttpHeaderMatch h) {
        HeaderMatcher.Builder hm = HeaderMatcher.newBuilder().setName(h.name());
        String type = h.type() == null ? "Exact" : h.type().name();
        switch (type) {
            case "Present" -> hm.setPresentMatch(true);
            case "Absent" -> hm.setPresentMatch(false);
            // Envoy refuses an empty prefix or regex (min_len 1): an empty prefix matches any value, i.e. the header is
            // present; an empty regex (matched in full) matches only the empty value, i.e. exact "".
            case "Prefix" -> {
                if (orEmpty(h.value()).isEmpty()) hm.setPresentMatch(true);
                else hm.setStringMatch(StringMatcher.newBuilder().setPrefix(h.value()));
            }
            case "RegularExpression" -> hm.setStringMatch(orEmpty(h.value()).isEmpty() ? StringMatcher.newBuilder().setExact("")
                    : StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(h.value())));
            default -> hm.setStringMatch(StringMatcher.newBuilder().setExact(orEmpty(h.value())));
        }
        return hm.build();
    }

    private static void filter(Route.Builder r, Filter f) {
        if (f.type() == null) return;
        switch (f.type()) {
            case RequestHeaderModifier -> {
                if (f.requestHeaderModifier() == null) return;
                headers(f.requestHeaderModifier().set(), HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).forEach(r::addRequestHeadersToAdd);
                headers(f.requestHeaderModifier().add(), HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD).forEach(r::addRequestHeadersToAdd);
                if (f.requestHeaderModifier().remove() != null) r.addAllRequestHeadersToRemove(f.requestHeaderModifier().remove());
            }
            case ResponseHeaderModifier -> {
                if (f.responseHeaderModifier() == null) return;
                headers(f.responseHeaderModifier().set(), HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).forEach(r::addResponseHeadersToAdd);
                headers(f.responseHeaderModifier().add(), HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD).forEach(r::addResponseHeadersToAdd);
                if (f.responseHeaderModifier().remove() != null) r.addAllResponseHeadersToRemove(f.responseHeaderModifier().remove());
            }
            default -> {
                // Redirects, rewrites and mirrors: not rendered yet (docs/dataplanes.md).
            }
        }
    }

    private static List<HeaderValueOption> headers(List<HeaderKeyValue> kvs, HeaderValueOption.HeaderAppendAction action) {
        if (kvs == null) return List.of();
        return kvs.stream().map(kv -> HeaderValueOption.newBuilder().setAppendAction(action)
                .setHeader(HeaderValue.newBuilder().setKey(kv.name()).setValue(orEmpty(kv.value()))).build()).toList();
    }

    /**
     * An absent value is the empty string, as in Kuma (Go reads a missing string field as ""); validation lets it
     * through, so the renderer must not pass a null to a protobuf setter.
     */
    static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
