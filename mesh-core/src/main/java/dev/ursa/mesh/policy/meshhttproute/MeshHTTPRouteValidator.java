package dev.ursa.mesh.policy.meshhttproute;

import dev.ursa.mesh.policy.common.HttpHeaderMatch;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.BackendRef;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.Filter;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.FilterType;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.HeaderKeyValue;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.HeaderModifier;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.Match;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.PathMatch;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.PathMatchType;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.PathRewrite;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.QueryParamsMatch;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.RequestMirror;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.RequestRedirect;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.Rule;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec.UrlRewrite;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshExternalService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshMultiZoneService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/** Kuma 2.14's MeshHTTPRoute rules (pkg/plugins/policies/meshhttproute/api/v1alpha1/validation.go) plus its schema enums. */
public final class MeshHTTPRouteValidator implements SpecValidator<MeshHTTPRouteSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, Dataplane);
    private static final Set<TargetRefKind> TO_GATEWAY = EnumSet.of(Mesh);
    private static final Set<TargetRefKind> TO = EnumSet.of(MeshService, MeshExternalService, MeshMultiZoneService);
    private static final Set<TargetRefKind> MIRROR = EnumSet.of(MeshService, MeshServiceSubset);
    private static final Set<TargetRefKind> BACKEND = EnumSet.of(MeshService, MeshServiceSubset, MeshExternalService, MeshMultiZoneService);
    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern HEADER_NAME = Pattern.compile("^[a-z0-9!#$%&'*+\\-.^_`|~]+$");

    @Override
    public void validate(MeshHTTPRouteSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, false, out);
        }
        boolean gateway = spec.targetRefOrMesh().kind() == MeshGateway;
        for (int i = 0; i < spec.to().size(); i++) {
            var item = spec.to().get(i);
            FieldPath p = path.field("to").index(i);
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), gateway ? TO_GATEWAY : TO, false, out);
            if (!gateway && item.hostnames() != null && !item.hostnames().isEmpty()) {
                out.add(p.field("hostnames"), "must not be defined");
            }
            if (item.rules() != null) {
                for (int j = 0; j < item.rules().size(); j++) {
                    validateRule(item.rules().get(j), p.field("rules").index(j), gateway, out);
                }
            }
        }
    }

    private static void validateRule(Rule rule, FieldPath path, boolean gateway, Violations out) {
        if (rule.path() != null) {
            out.warn(path.field("path"), "kept but not used for routing: put path matches under matches[].path");
        }
        List<Match> matches = rule.matches() == null ? List.of() : rule.matches();
        for (int i = 0; i < matches.size(); i++) {
            validateMatch(matches.get(i), path.field("matches").index(i), out);
        }
        List<Filter> filters = rule.defaults() == null || rule.defaults().filters() == null ? List.of() : rule.defaults().filters();
        List<BackendRef> backendRefs = rule.defaults() == null || rule.defaults().backendRefs() == null ? List.of() : rule.defaults().backendRefs();
        FieldPath conf = path.field("default");
        for (int i = 0; i < filters.size(); i++) {
            validateFilter(filters.get(i), conf.field("filters").index(i), matches, gateway, out);
        }
        if (backendRefs.isEmpty() && gateway && filters.stream().noneMatch(f -> f.type() == FilterType.RequestRedirect)) {
            // On a gateway a rule without backends only makes sense when it answers with a redirect.
            out.add(conf.field("backendRefs"), "must not be empty");
        }
        for (int i = 0; i < backendRefs.size(); i++) {
            validateBackendRef(backendRefs.get(i), conf.field("backendRefs").index(i), BACKEND, out);
        }
    }

    private static void validateMatch(Match match, FieldPath path, Violations out) {
        if (match == null) {
            return;
        }
        validatePath(match.path(), path.field("path"), out);
        if (match.queryParams() != null) {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < match.queryParams().size(); i++) {
                QueryParamsMatch q = match.queryParams().get(i);
                FieldPath p = path.field("queryParams").index(i);
                if (q.name() == null || q.name().isEmpty()) {
                    out.add(p.field("name"), "must be defined");
                } else if (!names.add(q.name())) {
                    out.add(p.field("name"), "multiple entries for name " + q.name());
                }
                if (q.type() == null) {
                    out.add(p.field("type"), "must be defined");
                }
            }
        }
        if (match.headers() != null) {
            for (int i = 0; i < match.headers().size(); i++) {
                HttpHeaderMatch h = match.headers().get(i);
                FieldPath p = path.field("headers").index(i);
                validateHeaderName(h.name(), p.field("name"), out);
                HttpHeaderMatch.Type type = h.typeOrDefault();
                if ((type == HttpHeaderMatch.Type.Present || type == HttpHeaderMatch.Type.Absent) && h.value() != null && !h.value().isEmpty()) {
                    out.add(p.field("value"), "must not be defined");
                }
            }
        }
    }

    private static void validatePath(PathMatch match, FieldPath path, Violations out) {
        if (match == null) {
            return;
        }
        if (match.type() == null) {
            out.add(path.field("type"), "must be defined");
            return;
        }
        String value = match.value() == null ? "" : match.value();
        FieldPath valuePath = path.field("value");
        if (value.isEmpty()) {
            out.add(valuePath, "must be defined");
            return;
        }
        if (match.type() == PathMatchType.PathPrefix && !value.equals("/")) {
            if (value.endsWith("/")) {
                out.add(valuePath, "does not need a trailing slash because only a `/`-separated prefix or an entire path is matched");
            }
            if (!value.startsWith("/")) {
                out.add(valuePath, "must be an absolute path");
            }
        } else if (match.type() == PathMatchType.Exact && !value.startsWith("/")) {
            out.add(valuePath, "must be an absolute path");
        }
    }

    private static void validateFilter(Filter filter, FieldPath path, List<Match> matches, boolean gateway, Violations out) {
        if (filter.type() == null) {
            out.add(path.field("type"), "must be defined");
            return;
        }
        switch (filter.type()) {
            case RequestHeaderModifier -> validateHeaderModifier(filter.requestHeaderModifier(), path.field("requestHeaderModifier"), out);
            case ResponseHeaderModifier -> validateHeaderModifier(filter.responseHeaderModifier(), path.field("responseHeaderModifier"), out);
            case RequestRedirect -> validateRedirect(filter.requestRedirect(), path.field("requestRedirect"), matches, out);
            case URLRewrite -> validateRewrite(filter.urlRewrite(), path.field("urlRewrite"), matches, gateway, out);
            case RequestMirror -> validateMirror(filter.requestMirror(), path.field("requestMirror"), out);
        }
        // Nothing accepted is silently ignored: these are kept (Kuma accepts them) but no data plane config uses them yet.
        if (filter.type() == FilterType.RequestRedirect || filter.type() == FilterType.URLRewrite || filter.type() == FilterType.RequestMirror) {
            out.warn(path.field("type"), filter.type() + " filters are accepted but not applied yet: this rule routes as if the filter were absent");
        }
    }

    private static void validateHeaderModifier(HeaderModifier modifier, FieldPath path, Violations out) {
        if (modifier == null) {
            out.add(path, "must be defined");
            return;
        }
        if (modifier.set() == null && modifier.add() == null && modifier.remove() == null) {
            out.add(path, "must have at least one defined: set, add, remove");
            return;
        }
        // Only one action per header name: Envoy would apply them in an unspecified order.
        Set<String> seen = new HashSet<>();
        headerList(modifier.set(), path.field("set"), seen, out);
        headerList(modifier.add(), path.field("add"), seen, out);
        if (modifier.remove() != null) {
            for (int i = 0; i < modifier.remove().size(); i++) {
                FieldPath p = path.field("remove").index(i);
                String name = modifier.remove().get(i);
                validateHeaderName(name, p, out);
                if (name != null && !seen.add(name.toLowerCase(Locale.ROOT))) out.add(p, "duplicate header name");
            }
        }
    }

    private static void headerList(List<HeaderKeyValue> headers, FieldPath path, Set<String> seen, Violations out) {
        if (headers == null) {
            return;
        }
        for (int i = 0; i < headers.size(); i++) {
            FieldPath p = path.index(i).field("name");
            String name = headers.get(i).name();
            validateHeaderName(name, p, out);
            if (name != null && !seen.add(name.toLowerCase(Locale.ROOT))) out.add(p, "duplicate header name");
        }
    }

    private static void validateHeaderName(String name, FieldPath path, Violations out) {
        if (name == null || name.isEmpty()) {
            out.add(path, "must be defined");
        } else if (name.length() > 256 || !HEADER_NAME.matcher(name).matches()) {
            out.add(path, "must be a lower-case HTTP header name (at most 256 token characters)");
        }
    }

    private static void validateRedirect(RequestRedirect redirect, FieldPath path, List<Match> matches, Violations out) {
        if (redirect == null) {
            out.add(path, "must be defined");
            return;
        }
        prefixRewriteNeedsPrefixMatches(redirect.path(), path.field("path"), matches, out);
        validatePreciseHostname(redirect.hostname(), path.field("hostname"), out);
        if (redirect.scheme() != null && !redirect.scheme().equals("http") && !redirect.scheme().equals("https")) {
            out.add(path.field("scheme"), "must be one of [http, https]");
        }
        if (redirect.port() != null && (redirect.port() < 1 || redirect.port() > 65535)) {
            out.add(path.field("port"), "port must be in the range [1, 65535]");
        }
        if (redirect.statusCode() != null && !REDIRECT_CODES.contains(redirect.statusCode())) {
            out.add(path.field("statusCode"), "must be one of [301, 302, 303, 307, 308]");
        }
    }

    private static void validateRewrite(UrlRewrite rewrite, FieldPath path, List<Match> matches, boolean gateway, Violations out) {
        if (rewrite == null) {
            out.add(path, "must be defined");
            return;
        }
        prefixRewriteNeedsPrefixMatches(rewrite.path(), path.field("path"), matches, out);
        validatePreciseHostname(rewrite.hostname(), path.field("hostname"), out);
        if (Boolean.TRUE.equals(rewrite.hostToBackendHostname())) {
            if (!gateway) out.add(path.field("hostToBackendHostname"), "can only be set with MeshGateway");
            if (rewrite.hostname() != null) out.add(path.field("hostToBackendHostname"), "cannot be set together with hostname");
        }
    }

    private static void prefixRewriteNeedsPrefixMatches(PathRewrite rewrite, FieldPath path, List<Match> matches, Violations out) {
        if (rewrite != null && rewrite.replacePrefixMatch() != null && hasMatchWithoutPrefix(matches)) {
            out.add(path.field("replacePrefixMatch"), "can only appear if all matches match a path prefix");
        }
    }

    private static boolean hasMatchWithoutPrefix(List<Match> matches) {
        // No matches means the default "/" prefix.
        return matches.stream().anyMatch(m -> m == null || m.path() == null || m.path().type() != PathMatchType.PathPrefix);
    }

    private static void validateMirror(RequestMirror mirror, FieldPath path, Violations out) {
        if (mirror == null) {
            out.add(path, "must be defined");
            return;
        }
        if (mirror.backendRef() == null) {
            out.add(path.field("backendRef"), "must be defined");
        } else {
            validateBackendRef(mirror.backendRef(), path.field("backendRef"), MIRROR, out);
        }
        if (mirror.percentage() != null) {
            BigDecimal pct = mirror.percentage().decimal().orElse(null);
            if (pct == null || pct.signum() < 0 || pct.compareTo(BigDecimal.valueOf(100)) > 0) {
                out.add(path.field("percentage"), "must be a number between 0 and 100");
            }
        }
    }

    private static void validateBackendRef(BackendRef ref, FieldPath path, Set<TargetRefKind> kinds, Violations out) {
        TargetRefRules.validate(ref.targetRef(), path, kinds, false, out);
        if (ref.weight() != null && ref.weight() < 0) {
            out.add(path.field("weight"), "must not be negative");
        }
        if (ref.port() != null && (ref.port() < 1 || ref.port() > 65535)) {
            out.add(path.field("port"), "port must be in the range [1, 65535]");
        }
    }

    /** RFC 1123 host name, lower case, never an IP address (Kuma's PreciseHostname). */
    private static void validatePreciseHostname(String hostname, FieldPath path, Violations out) {
        if (hostname == null) {
            return;
        }
        if (IPV4.matcher(hostname).matches() || hostname.contains(":")) {
            out.add(path, "cannot be an IP address");
        } else if (hostname.length() > 253 || !DNS1123_SUBDOMAIN.matcher(hostname).matches()) {
            out.add(path, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character");
        }
    }
}
