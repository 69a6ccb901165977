package dev.ursa.mesh.policy.meshaccesslog;

import dev.ursa.mesh.policy.common.GoValidators;
import dev.ursa.mesh.policy.common.OtelRules;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Backend;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.BackendType;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Conf;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Format;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.FormatType;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.JsonValue;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Match;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.OtelBackend;
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

/** Kuma 2.14's MeshAccessLog rules (pkg/plugins/policies/meshaccesslog/api/v1alpha1/validator.go). */
public final class MeshAccessLogValidator implements SpecValidator<MeshAccessLogSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, Dataplane);
    private static final Set<TargetRefKind> FROM = EnumSet.of(Mesh);
    private static final Set<TargetRefKind> TO_GATEWAY = EnumSet.of(Mesh);
    private static final Set<TargetRefKind> TO = EnumSet.of(Mesh, MeshService, MeshExternalService, MeshMultiZoneService, MeshHTTPRoute);
    // go-spiffe's spiffeid.FromString: lower-case trust domain, path segments of letters, digits, '.', '-' and '_'
    private static final Pattern SPIFFE_ID = Pattern.compile("^spiffe://[a-z0-9._-]+(/[a-zA-Z0-9._-]+)*$");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

    @Override
    public void validate(MeshAccessLogSpec spec, FieldPath path, Violations out) {
        boolean hasRules = !spec.rulesOrEmpty().isEmpty();
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, hasRules || !spec.from().isEmpty(), out);
        }
        if (hasRules && (!spec.to().isEmpty() || !spec.from().isEmpty())) {
            out.add(path, "fields 'to' and 'from' must be empty when 'rules' is defined");
        }
        if (!hasRules && spec.to().isEmpty() && spec.from().isEmpty()) {
            out.add(path, "at least one of 'from', 'to' or 'rules' has to be defined");
        }
        Set<TargetRefKind> toKinds = spec.targetRefOrMesh().kind() == MeshGateway ? TO_GATEWAY : TO;
        for (int i = 0; i < spec.to().size(); i++) {
            var item = spec.to().get(i);
            FieldPath p = path.field("to").index(i);
            if (item == null) {
                out.add(p, "must be defined");
                continue;
            }
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), toKinds, false, out);
            validateDefault(item.defaults(), p.field("default"), out);
        }
        for (int i = 0; i < spec.from().size(); i++) {
            var item = spec.from().get(i);
            FieldPath p = path.field("from").index(i);
            if (item == null) {
                out.add(p, "must be defined");
                continue;
            }
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), FROM, true, out);
            validateDefault(item.defaults(), p.field("default"), out);
        }
        for (int i = 0; i < spec.rulesOrEmpty().size(); i++) {
            var rule = spec.rulesOrEmpty().get(i);
            FieldPath p = path.field("rules").index(i);
            if (rule == null) {
                out.add(p.field("default").field("backends"), "must be defined");
                continue;
            }
            validateMatches(rule.matchesOrEmpty(), p.field("matches"), out);
            if (!rule.matchesOrEmpty().isEmpty()) {
                out.warn(p.field("matches"), "kept but not applied yet: Ursa applies only rules without matches (this rule logs nothing)");
            }
            validateDefault(rule.defaults(), p.field("default"), out);
        }
    }

    private static void validateMatches(List<Match> matches, FieldPath path, Violations out) {
        for (int i = 0; i < matches.size(); i++) {
            Match m = matches.get(i);
            FieldPath p = path.index(i);
            if (m == null) continue;
            if (m.spiffeID() != null) {
                String type = m.spiffeID().type();
                if (type == null || !(type.equals("Exact") || type.equals("Prefix"))) {
                    // Kuma's schema enum (Exact, Prefix); its Go validator does not look at the type
                    out.add(p.field("spiffeID").field("type"), "must be one of: Exact, Prefix");
                }
                String value = m.spiffeID().value();
                if (value == null || !SPIFFE_ID.matcher(value).matches()) {
                    out.add(p.field("spiffeID"), "must be a valid Spiffe ID: " + (value == null || value.isEmpty()
                            ? "cannot be empty" : "scheme is missing or invalid, or the trust domain or path has invalid characters"));
                }
            }
            if (m.sni() != null) {
                String type = m.sni().type();
                if (type == null || type.isEmpty()) {
                    out.add(p.field("sni").field("type"), "must be set");
                } else if (!type.equals("Exact")) {
                    out.add(p.field("sni").field("type"), "unrecognized type \"" + type + "\", supported values are: Exact");
                }
                String value = m.sni().value();
                if (value == null || value.isEmpty()) {
                    out.add(p.field("sni").field("value"), "must be set");
                } else if (value.length() > 253 || !DNS1123_SUBDOMAIN.matcher(value).matches()) {
                    out.add(p.field("sni").field("value"), value.length() > 253 ? "must be no more than 253 characters"
                            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                            + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
                }
            }
        }
    }

    private static void validateDefault(Conf conf, FieldPath path, Violations out) {
        if (conf == null || conf.backends() == null) {
            out.add(path.field("backends"), "must be defined");
            return;
        }
        for (int i = 0; i < conf.backends().size(); i++) {
            validateBackend(conf.backends().get(i), path.field("backends").index(i), out);
        }
    }

    private static void validateBackend(Backend backend, FieldPath path, Violations out) {
        if (backend == null) {
            out.add(path.field("type"), "must be defined");
            return;
        }
        BackendType type = backend.effectiveType();
        if (type == null) {
            // Kuma's schema requires it; without it Kuma's validator has no branch to take.
            out.add(path.field("type"), "must be defined: one of Tcp, File, OpenTelemetry");
            return;
        }
        if (backend.type() == null) {
            out.warn(path.field("type"), "missing; read as " + type + " from the one backend given (Kuma's schema requires type)");
        }
        switch (type) {
            case File -> {
                FieldPath root = path.field("file");
                if (backend.file() == null) {
                    out.add(root, "must be defined");
                    return;
                }
                if (backend.file().format() != null) validateFormat(backend.file().format(), root.field("format"), out);
                if (!GoValidators.isFilePath(backend.file().path() == null ? "" : backend.file().path())) {
                    out.add(root.field("path"), "file backend requires a valid path");
                }
            }
            case Tcp -> {
                FieldPath root = path.field("tcp");
                if (backend.tcp() == null) {
                    out.add(root, "must be defined");
                    return;
                }
                if (backend.tcp().format() != null) validateFormat(backend.tcp().format(), root.field("format"), out);
                if (!GoValidators.isUrl(backend.tcp().address())) {
                    out.add(root.field("address"), "tcp backend requires valid address");
                }
            }
            case OpenTelemetry -> {
                FieldPath root = path.field("openTelemetry");
                OtelBackend otel = backend.openTelemetry();
                if (otel == null) {
                    out.add(root, "must be defined");
                    return;
                }
                OtelRules.backendRefOrEndpoint(otel.endpoint(), otel.backendRef(), root, out);
                if (otel.backendRef() != null && (otel.endpoint() == null || otel.endpoint().isEmpty())) {
                    out.warn(root.field("backendRef"), "kept but not applied: Ursa has no MeshOpenTelemetryBackend resource to resolve it (use endpoint)");
                }
                for (int i = 0; i < otel.attributesOrEmpty().size(); i++) {
                    var attribute = otel.attributesOrEmpty().get(i);
                    OtelRules.attributeName(attribute == null ? null : attribute.key(), root.field("attributes").index(i).field("key"), out);
                }
            }
        }
    }

    private static void validateFormat(Format format, FieldPath path, Violations out) {
        FormatType type = format.effectiveType();
        if (type == null) {
            out.add(path.field("type"), "must be defined: one of Plain, Json");
            return;
        }
        if (format.type() == null) {
            out.warn(path.field("type"), "missing; read as " + type + " from the one format given (Kuma's schema requires type)");
        }
        switch (type) {
            case Plain -> {
                if (format.plain() == null) {
                    out.add(path.field("plain"), "must be defined");
                } else if (format.plain().isEmpty()) {
                    out.add(path.field("plain"), "must not be empty");
                }
            }
            case Json -> {
                List<JsonValue> json = format.json();
                if (json == null) {
                    out.add(path.field("json"), "must be defined");
                    return;
                }
                if (json.isEmpty()) out.add(path.field("json"), "must not be empty");
                for (int i = 0; i < json.size(); i++) {
                    JsonValue field = json.get(i);
                    FieldPath p = path.field("json").index(i);
                    String key = field == null || field.key() == null ? "" : field.key();
                    String value = field == null || field.value() == null ? "" : field.value();
                    if (key.isEmpty()) out.add(p.field("key"), "key cannot be empty");
                    if (value.isEmpty()) out.add(p.field("value"), "value cannot be empty");
                    // Kuma pastes both into {"key": "value"} unescaped and asks whether that is JSON
                    if (!GoValidators.isJson("{\"" + key + "\": \"" + value + "\"}")) out.add(p, "is not a valid JSON object");
                }
            }
        }
    }
}
