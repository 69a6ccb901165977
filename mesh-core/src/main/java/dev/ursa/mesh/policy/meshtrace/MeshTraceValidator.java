package dev.ursa.mesh.policy.meshtrace;

import dev.ursa.mesh.policy.common.GoRequestUri;
import dev.ursa.mesh.policy.common.GoValidators;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.OtelRules;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.Backend;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.BackendType;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.Conf;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.Tag;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshTrace rules (pkg/plugins/policies/meshtrace/api/v1alpha1/validator.go). Kuma allows a top-level
 * MeshGateway only for system-role policies, which every universal policy without a {@code kuma.io/policy-role} label
 * is; the spec validator does not see labels, so MeshGateway is accepted whatever the role.
 */
public final class MeshTraceValidator implements SpecValidator<MeshTraceSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, Dataplane);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Override
    public void validate(MeshTraceSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP, false, out);
        }
        Conf conf = spec.defaults() == null ? new Conf(null, null, null) : spec.defaults();
        FieldPath def = path.field("default");
        FieldPath backends = def.field("backends");
        if (conf.backends() == null) {
            out.add(backends, "must be defined");
        } else if (conf.backends().size() == 1) {
            validateBackend(conf.backends().getFirst(), backends.index(0), out);
        } else if (conf.backends().size() > 1) {
            out.add(backends, "must have zero or one backend defined");
        }
        if (conf.tags() != null) {
            for (int i = 0; i < conf.tags().size(); i++) {
                Tag tag = conf.tags().get(i);
                FieldPath p = def.field("tags").index(i);
                if (tag == null || tag.name() == null || tag.name().isEmpty()) out.add(p.field("name"), "must not be empty");
                if (tag == null || (tag.header() != null) == (tag.literal() != null)) {
                    out.add(p, "tag must have only one type defined: header, literal");
                }
            }
        }
        if (conf.sampling() != null) {
            FieldPath s = def.field("sampling");
            // Kuma checks client, random, overall in this order
            sampling(conf.sampling().client(), s.field("client"), out);
            sampling(conf.sampling().random(), s.field("random"), out);
            sampling(conf.sampling().overall(), s.field("overall"), out);
        }
    }

    private static void validateBackend(Backend backend, FieldPath path, Violations out) {
        BackendType type = backend == null ? null : backend.effectiveType();
        if (type == null) {
            out.add(path.field("type"), "must be defined: one of Zipkin, Datadog, OpenTelemetry");
            return;
        }
        if (backend.type() == null) {
            out.warn(path.field("type"), "missing; read as " + type + " from the one backend given (Kuma's schema requires type)");
        }
        switch (type) {
            case Datadog -> {
                FieldPath p = path.field("datadog");
                if (backend.datadog() == null) {
                    out.add(p, "must be defined");
                    return;
                }
                datadogUrl(backend.datadog().url(), p.field("url"), out);
            }
            case Zipkin -> {
                FieldPath p = path.field("zipkin");
                if (backend.zipkin() == null) {
                    out.add(p, "must be defined");
                    return;
                }
                String url = backend.zipkin().url();
                if (url == null || url.isEmpty()) {
                    out.add(p.field("url"), "must not be empty");
                } else if (!GoValidators.isUrl(url)) {
                    out.add(p.field("url"), "must be a valid url");
                } else if (GoRequestUri.parse(url).map(u -> u.path().isEmpty()).orElse(true)) {
                    // Kuma accepts these and then fails to render the dataplane ("invalid URL of Zipkin") or sends an
                    // empty collector_endpoint, which Envoy refuses; refused here instead
                    out.add(p.field("url"), "must be an absolute URL with the collector's path, e.g. http://zipkin:9411/api/v2/spans");
                }
                String apiVersion = backend.zipkin().apiVersion();
                if (apiVersion != null && !apiVersion.equals("httpJson") && !apiVersion.equals("httpProto")) {
                    out.add(p.field("apiVersion"), "must be one of: httpJson, httpProto"); // Kuma's schema enum
                }
            }
            case OpenTelemetry -> {
                FieldPath p = path.field("openTelemetry");
                var otel = backend.openTelemetry();
                if (otel == null) {
                    out.add(p, "must be defined");
                    return;
                }
                OtelRules.backendRefOrEndpoint(otel.endpoint(), otel.backendRef(), p, out);
                if (otel.backendRef() != null && (otel.endpoint() == null || otel.endpoint().isEmpty())) {
                    out.warn(p.field("backendRef"), "kept but not applied: Ursa has no MeshOpenTelemetryBackend resource to resolve it (use endpoint)");
                }
            }
        }
    }

    /** Kuma's Datadog URL rules: http, a port 1-65535, nothing but scheme, host and port. */
    private static void datadogUrl(String url, FieldPath path, Violations out) {
        Optional<GoRequestUri> parsed = GoRequestUri.parse(url);
        if (parsed.isEmpty()) {
            out.add(path, "must be a valid url");
            return;
        }
        GoRequestUri u = parsed.get();
        if (!u.scheme().equals("http")) out.add(path, "scheme must be http");
        if (u.port().isEmpty()) {
            out.add(path, "port must be defined");
        } else {
            long port = u.port().length() > 6 ? Long.MAX_VALUE : Long.parseLong(u.port());
            if (port == 0 || port > 65535) out.add(path, "port must be a valid (1-65535)");
        }
        if (!u.opaque().isEmpty()) out.add(path, "opaque must not be defined");
        if (u.user() != null) out.add(path, "user must not be defined");
        if (!u.path().isEmpty()) out.add(path, "path must not be defined");
        if (!u.rawQuery().isEmpty()) out.add(path, "query must not be defined");
    }

    private static void sampling(KumaDecimal value, FieldPath path, Violations out) {
        if (value == null) return;
        if (value.number() != null && value.decimal().map(d -> d.stripTrailingZeros().scale() > 0).orElse(false)) {
            // Kuma's intstr.IntOrString takes an integer or a string: 50.5 does not decode there
            out.add(path, "wrong value type: write a fraction as a string, e.g. \"50.5\"");
            return;
        }
        Optional<BigDecimal> d = value.decimal();
        if (d.isEmpty()) {
            out.add(path, "string is not a number");
            return;
        }
        if (d.get().signum() < 0 || d.get().compareTo(HUNDRED) > 0) out.add(path, "must be between 0 and 100");
    }
}
