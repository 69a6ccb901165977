package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

import java.util.regex.Pattern;

/** Kuma's shared OpenTelemetry checks (pkg/core/validators/common_validators.go), used by MeshAccessLog, MeshTrace and MeshMetric. */
public final class OtelRules {
    public static final String MUST_BE_STATIC = "must be a static OpenTelemetry attribute name; placeholders are only supported in values";
    public static final String MUST_NOT_USE_RESERVED_PREFIX = "must not use the reserved OpenTelemetry prefix 'otel.'";
    public static final String MUST_MATCH_FORMAT = "must start with a lowercase letter, use only lowercase letters, digits, '.' or '_', "
            + "avoid consecutive delimiters, and end with a letter or digit";
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("^[a-z](?:[a-z0-9]|[._][a-z0-9])*$");

    private OtelRules() {
    }

    /** ValidateOtelAttributeName. */
    public static void attributeName(String value, FieldPath path, Violations out) {
        if (value == null || value.isEmpty()) {
            out.add(path, "must be defined");
        } else if (value.contains("%")) {
            out.add(path, MUST_BE_STATIC);
        } else if (value.startsWith("otel.")) {
            out.add(path, MUST_NOT_USE_RESERVED_PREFIX);
        } else if (!ATTRIBUTE_NAME.matcher(value).matches()) {
            out.add(path, MUST_MATCH_FORMAT);
        }
    }

    /** ValidateOtelBackendRefOrEndpoint without extra endpoint checks; {@code path} is the openTelemetry object. */
    public static void backendRefOrEndpoint(String endpoint, BackendResourceRef backendRef, FieldPath path, Violations out) {
        boolean hasEndpoint = endpoint != null && !endpoint.isEmpty();
        if (hasEndpoint && backendRef != null) {
            out.add(path, "openTelemetry must have only one type defined: endpoint, backendRef");
        } else if (!hasEndpoint && backendRef == null) {
            out.add(path, "openTelemetry must have exactly one defined: endpoint, backendRef");
        } else if (backendRef != null) {
            backendResourceRef(backendRef, path.field("backendRef"), out);
        } else if (endpoint.chars().anyMatch(c -> c == '/' || c == '?' || c == '#')) {
            out.add(path.field("endpoint"), "must be in host:port format, not a URL");
        }
    }

    /** ValidateBackendResourceRef. */
    public static void backendResourceRef(BackendResourceRef ref, FieldPath path, Violations out) {
        if (!BackendResourceRef.MESH_OPEN_TELEMETRY_BACKEND.equals(ref.kind())) {
            out.add(path.field("kind"), "\"kind\" must be one of [\"" + BackendResourceRef.MESH_OPEN_TELEMETRY_BACKEND + "\"]");
        }
        if (ref.labels() == null || ref.labels().isEmpty()) {
            out.add(path, "backendRef must have exactly one defined: labels");
        }
    }
}
