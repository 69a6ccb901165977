package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Kuma's {@code HeaderMatch} (api/common/v1alpha1/header.go): selects an HTTP header by name and, depending on
 * {@code type} (Exact when absent), by value. Used by MeshHTTPRoute matches and MeshRetry retriable headers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpHeaderMatch(Type type, String name, String value) {

    /** The type Kuma applies when none is written. */
    public Type typeOrDefault() {
        return type == null ? Type.Exact : type;
    }

    public enum Type {
        Exact,
        Present,
        RegularExpression,
        Absent,
        Prefix
    }
}
