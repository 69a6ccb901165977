package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * Kuma's {@code backendRef} to a backend resource (2.14: only {@code MeshOpenTelemetryBackend}), chosen by labels.
 * The kind is kept as written so an unknown kind is reported at its field rather than failing to decode.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackendResourceRef(String kind, Map<String, String> labels) {
    public static final String MESH_OPEN_TELEMETRY_BACKEND = "MeshOpenTelemetryBackend";
}
