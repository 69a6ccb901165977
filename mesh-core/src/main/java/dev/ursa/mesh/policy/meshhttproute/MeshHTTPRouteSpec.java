package dev.ursa.mesh.policy.meshhttproute;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.HttpHeaderMatch;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;
import java.util.Map;

/**
 * Kuma 2.14 MeshHTTPRoute: HTTP routing rules (matches, filters, weighted backends) for the outbound traffic of the
 * selected proxies. Unlike other policies a {@code to} item carries {@code rules}, not a {@code default} block.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshHTTPRouteSpec(TargetRef targetRef, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to) implements TargetRefPolicy {

    /** An empty list means the same as an absent one; normalised so a round trip compares equal. */
    public MeshHTTPRouteSpec {
        to = to == null || to.isEmpty() ? null : to;
    }

    @Override
    public List<To> to() {
        return to == null ? List.of() : to;
    }

    /** @param hostnames only with a MeshGateway top-level targetRef: limits the rules to these request hosts */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(List<String> hostnames, TargetRef targetRef, List<Rule> rules) implements PolicyItem {
        /** The routing rules are this item's configuration (Kuma merges them per match set). */
        @Override
        public List<Rule> conf() {
            return rules;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    /**
     * @param path not a Kuma field: one of Kuma's docs examples ("Route policies with different types") writes a path
     *             beside {@code matches}. Accepted and kept so it applies unchanged, reported with a warning, never
     *             used for routing (only {@code matches} is).
     */
    public record Rule(List<Match> matches, @JsonProperty("default") RuleConf defaults, PathMatch path) {
        public Rule(List<Match> matches, RuleConf defaults) {
            this(matches, defaults, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(PathMatch path, Method method, List<QueryParamsMatch> queryParams, List<HttpHeaderMatch> headers) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PathMatch(String value, PathMatchType type) {
    }

    public enum PathMatchType {
        Exact,
        PathPrefix,
        RegularExpression
    }

    public enum Method {
        CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueryParamsMatch(QueryParamsMatchType type, String name, String value) {
    }

    public enum QueryParamsMatchType {
        Exact,
        RegularExpression
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleConf(List<Filter> filters, List<BackendRef> backendRefs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Filter(
            FilterType type,
            HeaderModifier requestHeaderModifier,
            HeaderModifier responseHeaderModifier,
            RequestRedirect requestRedirect,
            UrlRewrite urlRewrite,
            RequestMirror requestMirror) {
    }

    public enum FilterType {
        RequestHeaderModifier,
        ResponseHeaderModifier,
        RequestRedirect,
        URLRewrite,
        RequestMirror
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HeaderKeyValue(String name, String value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HeaderModifier(List<HeaderKeyValue> set, List<HeaderKeyValue> add, List<String> remove) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestRedirect(String scheme, String hostname, PathRewrite path, Integer port, Integer statusCode) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PathRewrite(PathRewriteType type, String replaceFullPath, String replacePrefixMatch) {
    }

    public enum PathRewriteType {
        ReplaceFullPath,
        ReplacePrefixMatch
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UrlRewrite(String hostname, PathRewrite path, Boolean hostToBackendHostname) {
    }

    /** @param percentage Kuma's int-or-string: {@code 30} or {@code "30.5"}; absent mirrors every request */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestMirror(KumaDecimal percentage, BackendRef backendRef) {
    }

    /** Kuma's BackendRef: a targetRef written inline, plus a weight and a MeshService port. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackendRef(
            TargetRefKind kind,
            String name,
            String namespace,
            String sectionName,
            Map<String, String> tags,
            Map<String, String> labels,
            String mesh,
            List<TargetRef.ProxyType> proxyTypes,
            Integer weight,
            Integer port) {

        public TargetRef targetRef() {
            return new TargetRef(kind, name, namespace, sectionName, tags, labels, mesh, proxyTypes, null);
        }
    }
}
