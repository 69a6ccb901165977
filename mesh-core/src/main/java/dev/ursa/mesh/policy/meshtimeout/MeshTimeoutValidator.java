package dev.ursa.mesh.policy.meshtimeout;

import dev.ursa.mesh.policy.common.KumaDurationRules;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutSpec.Conf;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutSpec.Http;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.Set;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshExternalService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshHTTPRoute;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshMultiZoneService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/** Kuma 2.14's MeshTimeout rules (pkg/plugins/policies/meshtimeout/api/v1alpha1/validator.go). */
public final class MeshTimeoutValidator implements SpecValidator<MeshTimeoutSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, MeshHTTPRoute, Dataplane);
    private static final Set<TargetRefKind> FROM = EnumSet.of(Mesh);
    private static final Set<TargetRefKind> TO_ROUTE_OR_GATEWAY = EnumSet.of(Mesh, MeshExternalService);
    private static final Set<TargetRefKind> TO = EnumSet.of(Mesh, MeshService, MeshExternalService, MeshMultiZoneService, MeshHTTPRoute);
    private static final String ROUTE_ONLY = "can't be specified when top-level TargetRef is referencing MeshHTTPRoute";

    @Override
    public void validate(MeshTimeoutSpec spec, FieldPath path, Violations out) {
        boolean hasRules = !spec.rulesOrEmpty().isEmpty();
        boolean affectsInbounds = hasRules || !spec.from().isEmpty();
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, affectsInbounds, out);
        }
        if (hasRules && (!spec.to().isEmpty() || !spec.from().isEmpty())) {
            out.add(path, "fields 'to' and 'from' must be empty when 'rules' is defined");
        }
        if (!hasRules && spec.to().isEmpty() && spec.from().isEmpty()) {
            out.add(path, "at least one of 'from', 'to' or 'rules' has to be defined");
        }
        TargetRefKind top = spec.targetRefOrMesh().kind();
        boolean routeOrGateway = top == MeshHTTPRoute || top == MeshGateway;

        if (routeOrGateway && !spec.from().isEmpty()) {
            out.add(path.field("from"), "must not be defined");
        } else {
            for (int i = 0; i < spec.from().size(); i++) {
                var item = spec.from().get(i);
                FieldPath p = path.field("from").index(i);
                TargetRefRules.validate(item.targetRef(), p.field("targetRef"), FROM, true, out);
                validateConf(item.defaults(), p.field("default"), top, out);
            }
        }
        for (int i = 0; i < spec.to().size(); i++) {
            var item = spec.to().get(i);
            FieldPath p = path.field("to").index(i);
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), routeOrGateway ? TO_ROUTE_OR_GATEWAY : TO, false, out);
            validateConf(item.defaults(), p.field("default"), top, out);
        }
        for (int i = 0; i < spec.rulesOrEmpty().size(); i++) {
            validateConf(spec.rulesOrEmpty().get(i).defaults(), path.field("rules").index(i).field("default"), top, out);
        }
    }

    private static void validateConf(Conf conf, FieldPath path, TargetRefKind top, Violations out) {
        if (conf == null || (conf.connectionTimeout() == null && conf.idleTimeout() == null && conf.http() == null)) {
            out.add(path, "at least one timeout should be configured");
            return;
        }
        if (top == MeshHTTPRoute) {
            // A route only owns per-request settings; connection-level timeouts belong to the listener or cluster.
            forbid(conf.connectionTimeout(), path.field("connectionTimeout"), out);
            forbid(conf.idleTimeout(), path.field("idleTimeout"), out);
            if (conf.http() != null) {
                forbid(conf.http().maxStreamDuration(), path.field("http").field("maxStreamDuration"), out);
                forbid(conf.http().maxConnectionDuration(), path.field("http").field("maxConnectionDuration"), out);
            }
        }
        KumaDurationRules.greaterThanZero(conf.connectionTimeout(), path.field("connectionTimeout"), out);
        KumaDurationRules.notNegative(conf.idleTimeout(), path.field("idleTimeout"), out);
        validateHttp(conf.http(), path.field("http"), out);
    }

    private static void validateHttp(Http http, FieldPath path, Violations out) {
        if (http == null) {
            return;
        }
        // Kuma does not count requestHeadersTimeout here; kept identical so the same documents pass and fail.
        if (http.requestTimeout() == null && http.streamIdleTimeout() == null && http.maxStreamDuration() == null
                && http.maxConnectionDuration() == null) {
            out.add(path, "at least one timeout in this section should be configured");
        }
        KumaDurationRules.notNegative(http.requestTimeout(), path.field("requestTimeout"), out);
        KumaDurationRules.notNegative(http.streamIdleTimeout(), path.field("streamIdleTimeout"), out);
        KumaDurationRules.notNegative(http.maxStreamDuration(), path.field("maxStreamDuration"), out);
        KumaDurationRules.notNegative(http.maxConnectionDuration(), path.field("maxConnectionDuration"), out);
        KumaDurationRules.notNegative(http.requestHeadersTimeout(), path.field("requestHeadersTimeout"), out);
    }

    private static void forbid(Object value, FieldPath path, Violations out) {
        if (value != null) {
            out.add(path, ROUTE_ONLY);
        }
    }
}
