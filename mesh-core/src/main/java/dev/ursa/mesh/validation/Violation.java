package dev.ursa.mesh.validation;

/** One thing wrong with a resource: the JSON path of the field (e.g. {@code spec.to[0].default.idleTimeout}) and why. */
public record Violation(String field, String message) {
    @Override
    public String toString() {
        return field.isEmpty() ? message : field + ": " + message;
    }
}
