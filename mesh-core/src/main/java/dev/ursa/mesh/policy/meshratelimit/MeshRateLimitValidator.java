package dev.ursa.mesh.policy.meshratelimit;

import dev.ursa.mesh.policy.common.InboundMatchRules;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Conf;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.HeaderKeyValue;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.HeaderModifier;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.LocalHttp;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.LocalTcp;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Match;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Rate;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshHTTPRoute;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshRateLimit rules (pkg/plugins/policies/meshratelimit/api/v1alpha1/validator.go, system role), in
 * Kuma's order and with its paths and quirks: {@code rules} and {@code from} are refused when the scope includes
 * gateways (a top-level {@code kind: Mesh} without {@code proxyTypes: [Sidecar]} does, as does an absent targetRef),
 * {@code to} is only for such scopes, {@code from} and {@code to} items take only {@code kind: Mesh}, a rule matching a
 * SPIFFE ID cannot limit TCP connections, intervals must exceed 50ms.
 *
 * <p>What Kuma's REST schema also refuses and Envoy would refuse is checked here too (response header names, at most 16
 * per list, values Envoy takes, at most 10 response headers in all: Envoy's {@code response_headers_to_add} limit). What
 * Kuma accepts but Envoy cannot render is accepted with a warning: a status Envoy has no code for (rate-limited requests
 * then get Envoy's 429), and a match by SNI alone (Kuma applies it on zone proxy listeners only, which Ursa has none of).
 */
public final class MeshRateLimitValidator implements SpecValidator<MeshRateLimitSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, MeshHTTPRoute, Dataplane);
    private static final Set<TargetRefKind> ONLY_MESH = EnumSet.of(Mesh);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(50);
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    /** Kuma's schema: {@code maxItems: 16} for {@code set} and for {@code add}. */
    private static final int MAX_HEADERS_PER_LIST = 16;
    /** Envoy's {@code LocalRateLimit.response_headers_to_add} takes at most 10 entries. */
    public static final int MAX_RESPONSE_HEADERS = 10;
    /** Kuma's schema for a header name (and Envoy's header name rules). */
    private static final Pattern HEADER_NAME = Pattern.compile("^[a-z0-9!#$%&'*+\\-.^_`|~]+$");
    /** Envoy's {@code HeaderValue.value}: at most 16 KiB, no NUL, CR or LF. */
    private static final int MAX_HEADER_VALUE_BYTES = 16_384;
    private static final Pattern HEADER_VALUE = Pattern.compile("^[^\\x00\\n\\r]*$");
    /** The codes of Envoy's {@code envoy.type.v3.StatusCode} enum ({@code HttpStatus.code} must be one of them). */
    private static final Set<Integer> ENVOY_STATUS_CODES = Set.of(100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
            300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414,
            415, 416, 417, 421, 422, 423, 424, 426, 428, 429, 431, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511);

    static final String SOURCE_CONDITIONED = "can't be specified when matches contain spiffeID because this field cannot be "
            + "conditioned on source identity";
    public static final String SNI_ONLY_NOT_APPLIED = "a match by SNI alone is not applied: Kuma applies it on zone proxy "
            + "listeners only, which Ursa does not have (sidecar inbounds ignore it, as in Kuma)";

    @Override
    public void validate(MeshRateLimitSpec spec, FieldPath path, Violations out) {
        boolean hasRules = !spec.rules().isEmpty();
        if (hasRules && (!spec.to().isEmpty() || !spec.from().isEmpty())) {
            out.add(path, "fields 'to' and 'from' must be empty when 'rules' is defined");
        }
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, hasRules || !spec.from().isEmpty(), out);
        }
        TargetRef top = spec.targetRefOrMesh();
        validateRules(top, spec.rules(), path, out);
        validateFrom(top, spec.from(), path, out);
        validateTo(top, spec.to(), path, out);
    }

    private static void validateRules(TargetRef top, List<MeshRateLimitSpec.Rule> rules, FieldPath path, Violations out) {
        if (!rules.isEmpty() && top.includesGateways()) {
            // MeshHTTPRoute is among the scopes that include gateways: Kuma's separate check for it is never reached.
            out.add(path.field("rules"), "must not be defined");
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            FieldPath p = path.field("rules").index(i);
            MeshRateLimitSpec.Rule rule = rules.get(i);
            validateMatches(rule.matchesOrEmpty(), rule.defaultConf(), p, out);
            validateDefault(rule.defaultConf(), p.field("default"), out);
        }
    }

    private static void validateMatches(List<Match> matches, Conf conf, FieldPath rule, Violations out) {
        boolean spiffeId = false;
        for (int i = 0; i < matches.size(); i++) {
            Match m = matches.get(i);
            FieldPath p = rule.field("matches").index(i);
            InboundMatchRules.validate(m.common(), p, out);
            if (m.spiffeID() == null && m.sni() == null) {
                out.add(p, "must specify at least one of 'spiffeID' or 'sni'");
                continue;
            }
            if (m.spiffeID() == null) {
                out.warn(p.field("sni"), SNI_ONLY_NOT_APPLIED);
                continue;
            }
            spiffeId = true;
            String type = m.spiffeID().type();
            if (type == null || type.isEmpty()) {
                out.add(p.field("spiffeID").field("type"), "must be set");
            } else if (!type.equals("Exact") && !type.equals("Prefix")) {
                out.add(p.field("spiffeID").field("type"), "unrecognized type \"" + type + "\", supported values are: Exact, Prefix");
            }
        }
        // A limit per SPIFFE ID is a route-level (HTTP) limit: a connection limit cannot tell clients apart.
        if (spiffeId && conf != null && conf.local() != null && conf.local().tcp() != null) {
            out.add(rule.field("default").field("local").field("tcp"), SOURCE_CONDITIONED);
        }
    }

    private static void validateFrom(TargetRef top, List<MeshRateLimitSpec.From> from, FieldPath path, Violations out) {
        if (!from.isEmpty() && top.includesGateways()) {
            out.add(path.field("from"), "must not be defined when the scope includes a Gateway, select only proxyType Sidecar "
                    + "or select only gateways and use spec.to");
            return;
        }
        for (int i = 0; i < from.size(); i++) {
            FieldPath p = path.field("from").index(i);
            TargetRefRules.validate(from.get(i).targetRef(), p.field("targetRef"), ONLY_MESH, false, out);
            validateDefault(from.get(i).defaultConf(), p.field("default"), out);
        }
    }

    private static void validateTo(TargetRef top, List<MeshRateLimitSpec.To> to, FieldPath path, Violations out) {
        if (!to.isEmpty() && !top.includesGateways()) {
            out.add(path.field("to"), "must not be defined");
            return;
        }
        for (int i = 0; i < to.size(); i++) {
            FieldPath p = path.field("to").index(i);
            TargetRefRules.validate(to.get(i).targetRef(), p.field("targetRef"), ONLY_MESH, false, out);
            validateDefault(to.get(i).defaultConf(), p.field("default"), out);
        }
    }

    /** An absent {@code default} is Go's zero value: its {@code local} is missing. */
    private static void validateDefault(Conf conf, FieldPath path, Violations out) {
        FieldPath local = path.field("local");
        if (conf == null || conf.local() == null) {
            out.add(local, "must be defined");
            return;
        }
        if (conf.local().tcp() == null && conf.local().http() == null) {
            out.add(local, "must have at least one defined: tcp, http");
        }
        if (conf.local().http() != null) validateHttp(conf.local().http(), local.field("http"), out);
        if (conf.local().tcp() != null) validateTcp(conf.local().tcp(), local.field("tcp"), out);
    }

    private static void validateHttp(LocalHttp http, FieldPath path, Violations out) {
        if (http.disabled() == null && http.requestRate() == null && http.onRateLimit() == null) {
            out.add(path, "must have at least one defined: disabled, requestRate, onRateLimit");
            return;
        }
        if (http.requestRate() != null) validateRate(http.requestRate(), path.field("requestRate"), out);
        if (http.onRateLimit() != null) {
            FieldPath p = path.field("onRateLimit");
            Long status = http.onRateLimit().status();
            if (status != null) {
                if (status <= 0) {
                    out.add(p.field("status"), "must be greater than 0");
                } else if (status > UINT32_MAX) {
                    out.add(p.field("status"), "must be at most " + UINT32_MAX);
                } else if (!envoyStatus(status)) {
                    // Kuma accepts any status above 0 and renders it; Envoy refuses a code outside its StatusCode enum.
                    out.warn(p.field("status"), "Envoy has no HTTP status " + status + ": not applied, rate-limited requests get 429");
                }
            }
            if (http.onRateLimit().headers() != null) validateHeaders(http.onRateLimit().headers(), p.field("headers"), out);
        }
    }

    private static void validateTcp(LocalTcp tcp, FieldPath path, Violations out) {
        if (tcp.disabled() == null && tcp.connectionRate() == null) {
            out.add(path, "must have at least one defined: disabled, connectionRate");
            return;
        }
        if (tcp.connectionRate() != null) validateRate(tcp.connectionRate(), path.field("connectionRate"), out);
    }

    private static void validateRate(Rate rate, FieldPath path, Violations out) {
        long num = rate.num() == null ? 0 : rate.num();
        if (num <= 0) {
            out.add(path.field("num"), "must be greater than 0");
        } else if (num > UINT32_MAX) {
            out.add(path.field("num"), "must be at most " + UINT32_MAX);
        }
        if (rate.interval() == null) {
            out.add(path.field("interval"), "must be defined");
        } else if (rate.interval().value().compareTo(MIN_INTERVAL) <= 0) {
            out.add(path.field("interval"), "must be greater than: 50ms");
        }
    }

    private static void validateHeaders(HeaderModifier headers, FieldPath path, Violations out) {
        headerList(headers.setOrEmpty(), path.field("set"), out);
        headerList(headers.addOrEmpty(), path.field("add"), out);
        int entries = responseHeaderCount(headers);
        if (entries > MAX_RESPONSE_HEADERS) {
            out.add(path, "at most " + MAX_RESPONSE_HEADERS + " response headers in all (Envoy's limit; each comma-separated value of "
                    + "'set' is one): " + entries + " given");
        }
    }

    private static void headerList(List<HeaderKeyValue> list, FieldPath path, Violations out) {
        if (list.size() > MAX_HEADERS_PER_LIST) out.add(path, "must have at most " + MAX_HEADERS_PER_LIST + " items");
        for (int i = 0; i < list.size(); i++) {
            HeaderKeyValue h = list.get(i);
            FieldPath p = path.index(i);
            if (h.name() == null || h.name().isEmpty()) {
                out.add(p.field("name"), "must be defined");
            } else if (h.name().length() > 256 || !HEADER_NAME.matcher(h.name()).matches()) {
                out.add(p.field("name"), "must be a lower-case HTTP header name (at most 256 token characters)");
            }
            if (h.value() == null) {
                out.add(p.field("value"), "must be defined");
            } else if (h.value().getBytes(StandardCharsets.UTF_8).length > MAX_HEADER_VALUE_BYTES) {
                out.add(p.field("value"), "must be at most " + MAX_HEADER_VALUE_BYTES + " bytes");
            } else if (!HEADER_VALUE.matcher(h.value()).matches()) {
                out.add(p.field("value"), "must not contain NUL, CR or LF");
            }
        }
    }

    /** How many Envoy response headers Kuma renders: one per {@code add}, one per comma-separated value of {@code set}. */
    public static int responseHeaderCount(HeaderModifier headers) {
        int n = headers.addOrEmpty().size();
        for (HeaderKeyValue h : headers.setOrEmpty()) n += h.value() == null ? 1 : setValues(h.value()).size();
        return n;
    }

    /** Kuma's {@code strings.SplitSeq(value, ",")}: every piece, empty ones included, unstripped. */
    public static List<String> setValues(String value) {
        return List.of(value.split(",", -1));
    }

    /** Whether Envoy can answer with {@code status} ({@code HttpStatus.code} is an enum of known codes). */
    public static boolean envoyStatus(long status) {
        return status > 0 && status <= Integer.MAX_VALUE && ENVOY_STATUS_CODES.contains((int) status);
    }
}
