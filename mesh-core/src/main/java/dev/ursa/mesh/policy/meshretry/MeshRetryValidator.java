package dev.ursa.mesh.policy.meshretry;

import dev.ursa.mesh.policy.common.KumaDurationRules;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.BackOff;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.Conf;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.Grpc;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.Http;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.Predicate;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.RateLimitedBackOff;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.ResetHeader;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshExternalService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshHTTPRoute;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshMultiZoneService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshRetry rules (pkg/plugins/policies/meshretry/api/v1alpha1/validator.go). Kuma roots the nested
 * paths at a non-existent {@code conf} segment; we name the real field ({@code spec.to[0].default.http.retryOn[0]}).
 */
public final class MeshRetryValidator implements SpecValidator<MeshRetrySpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, MeshHTTPRoute, Dataplane);
    private static final Set<TargetRefKind> TO_GATEWAY_OR_ROUTE = EnumSet.of(Mesh);
    private static final Set<TargetRefKind> TO = EnumSet.of(Mesh, MeshService, MeshExternalService, MeshMultiZoneService, MeshHTTPRoute);
    private static final Set<String> HTTP_RETRY_ON = Set.of("5xx", "GatewayError", "Reset", "Retriable4xx", "ConnectFailure",
            "EnvoyRatelimited", "RefusedStream", "Http3PostConnectFailure", "HttpMethodConnect", "HttpMethodDelete",
            "HttpMethodGet", "HttpMethodHead", "HttpMethodOptions", "HttpMethodPatch", "HttpMethodPost", "HttpMethodPut",
            "HttpMethodTrace");
    /** Status codes Go's http.StatusText knows; Kuma accepts exactly these as numeric retryOn items. */
    private static final Set<Integer> KNOWN_STATUS = Set.of(100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
            300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414,
            415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508,
            510, 511);

    @Override
    public void validate(MeshRetrySpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, false, out);
        }
        if (spec.to().isEmpty()) {
            out.add(path.field("to"), "needs at least one item");
        }
        TargetRefKind top = spec.targetRefOrMesh().kind();
        Set<TargetRefKind> toKinds = top == MeshGateway || top == MeshHTTPRoute ? TO_GATEWAY_OR_ROUTE : TO;
        for (int i = 0; i < spec.to().size(); i++) {
            var item = spec.to().get(i);
            FieldPath p = path.field("to").index(i);
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), toKinds, false, out);
            validateConf(item.defaults(), p.field("default"), out);
        }
    }

    private static void validateConf(Conf conf, FieldPath path, Violations out) {
        if (conf != null && conf.hasUnscopedFields()) {
            for (String f : new String[]{"numRetries", "backOff", "retryOn"}) {
                boolean present = switch (f) {
                    case "numRetries" -> conf.numRetries() != null;
                    case "backOff" -> conf.backOff() != null;
                    default -> conf.retryOn() != null;
                };
                if (present) {
                    out.warn(path.field(f), "kept but not applied: retries are configured per protocol; move it under http, grpc or tcp");
                }
            }
            if (conf.tcp() == null && conf.http() == null && conf.grpc() == null) return;
        }
        if (conf == null || (conf.tcp() == null && conf.http() == null && conf.grpc() == null)) {
            out.add(path, "at least one of the 'tcp', 'http', 'grpc' must be specified");
            return;
        }
        if (conf.tcp() != null) {
            if (conf.tcp().maxConnectAttempt() == null) {
                out.add(path.field("tcp"), "must not be empty");
            }
            notNegative(conf.tcp().maxConnectAttempt(), path.field("tcp").field("maxConnectAttempt"), out);
        }
        validateHttp(conf.http(), path.field("http"), out);
        validateGrpc(conf.grpc(), path.field("grpc"), out);
    }

    private static void validateHttp(Http http, FieldPath path, Violations out) {
        if (http == null) {
            return;
        }
        if (http.numRetries() == null && http.perTryTimeout() == null && http.backOff() == null && http.retryOn() == null
                && http.retriableRequestHeaders() == null && http.retriableResponseHeaders() == null
                && http.rateLimitedBackOff() == null && http.hostSelection() == null) {
            out.add(path, "must not be empty");
        }
        notNegative(http.numRetries(), path.field("numRetries"), out);
        KumaDurationRules.notNegative(http.perTryTimeout(), path.field("perTryTimeout"), out);
        validateBackOff(http.backOff(), path.field("backOff"), out);
        validateRateLimitedBackOff(http.rateLimitedBackOff(), path.field("rateLimitedBackOff"), out);
        if (http.retryOn() != null) {
            for (int i = 0; i < http.retryOn().size(); i++) {
                String item = http.retryOn().get(i);
                if (!HTTP_RETRY_ON.contains(item) && !isKnownStatusCode(item)) {
                    out.add(path.field("retryOn").index(i), "unknown item '" + item + "': must be one of " + sorted(HTTP_RETRY_ON)
                            + " or an HTTP status code");
                }
            }
        }
        validateHostSelection(http.hostSelection(), path.field("hostSelection"), out);
    }

    private static void validateGrpc(Grpc grpc, FieldPath path, Violations out) {
        if (grpc == null) {
            return;
        }
        if (grpc.numRetries() == null && grpc.perTryTimeout() == null && grpc.backOff() == null && grpc.retryOn() == null
                && grpc.rateLimitedBackOff() == null) {
            out.add(path, "must not be empty");
        }
        notNegative(grpc.numRetries(), path.field("numRetries"), out);
        KumaDurationRules.notNegative(grpc.perTryTimeout(), path.field("perTryTimeout"), out);
        validateBackOff(grpc.backOff(), path.field("backOff"), out);
        validateRateLimitedBackOff(grpc.rateLimitedBackOff(), path.field("rateLimitedBackOff"), out);
    }

    private static void validateBackOff(BackOff b, FieldPath path, Violations out) {
        if (b == null) {
            return;
        }
        if (b.baseInterval() == null && b.maxInterval() == null) {
            out.add(path, "must not be empty");
        }
        // Kuma documents both as "must be greater than zero"; Envoy rejects a zero back-off.
        KumaDurationRules.greaterThanZero(b.baseInterval(), path.field("baseInterval"), out);
        KumaDurationRules.greaterThanZero(b.maxInterval(), path.field("maxInterval"), out);
    }

    private static void validateRateLimitedBackOff(RateLimitedBackOff r, FieldPath path, Violations out) {
        if (r == null) {
            return;
        }
        KumaDurationRules.greaterThanZero(r.maxInterval(), path.field("maxInterval"), out);
        if (r.resetHeaders() == null) {
            out.add(path.field("resetHeaders"), "must be defined");
            return;
        }
        for (int i = 0; i < r.resetHeaders().size(); i++) {
            ResetHeader h = r.resetHeaders().get(i);
            FieldPath p = path.field("resetHeaders").index(i);
            if (h == null || h.name() == null || h.name().isEmpty()) {
                out.add(p.field("name"), "must be defined");
            }
            if (h == null || h.format() == null) {
                out.add(p.field("format"), "must be defined");
            }
        }
    }

    private static void validateHostSelection(List<Predicate> predicates, FieldPath path, Violations out) {
        if (predicates == null) {
            return;
        }
        boolean prioritySet = false;
        for (int i = 0; i < predicates.size(); i++) {
            Predicate p = predicates.get(i);
            FieldPath at = path.index(i);
            if (p == null || p.predicate() == null) {
                out.add(at.field("predicate"), "must be defined");
                continue;
            }
            switch (p.predicate()) {
                case OmitHostsWithTags -> {
                    if (p.tags() == null) out.add(at.field("tags"), "must be defined");
                }
                case OmitPreviousPriorities -> {
                    if (prioritySet) out.add(at.field("predicate"), "OmitPreviousPriorities must only be specified once");
                    if (p.updateFrequency() == null || p.updateFrequency() <= 0) {
                        out.add(at.field("updateFrequency"), "must be defined and greater than zero");
                    }
                    prioritySet = true;
                }
                case OmitPreviousHosts -> {
                }
            }
        }
    }

    /** Kuma's rule: Go's {@code strconv.Atoi} (an optional sign and ASCII digits, so "+503" and "0503" are 503) names a known status. */
    private static boolean isKnownStatusCode(String item) {
        Integer code = statusCode(item);
        return code != null && KNOWN_STATUS.contains(code);
    }

    /** The status code a numeric retryOn item stands for, read as Kuma reads it; null when it is not a number. */
    public static Integer statusCode(String item) {
        if (item == null || !ATOI.matcher(item).matches()) return null;
        try {
            return Integer.parseInt(item);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static final Pattern ATOI = Pattern.compile("[+-]?[0-9]+");

    private static void notNegative(Number n, FieldPath path, Violations out) {
        if (n != null && n.longValue() < 0) {
            out.add(path, "must not be negative");
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
