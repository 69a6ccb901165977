package dev.ursa.mesh.validation;

/**
 * An immutable JSON field path as users see it in error bodies: {@code spec.to[0].default.http.requestTimeout}.
 */
public record FieldPath(String value) {
    public static final FieldPath ROOT = new FieldPath("");

    public static FieldPath of(String first) {
        return ROOT.field(first);
    }

    public FieldPath field(String name) {
        return new FieldPath(value.isEmpty() ? name : value + "." + name);
    }

    public FieldPath index(int i) {
        return new FieldPath(value + "[" + i + "]");
    }

    /** A map key, written as Kuma does: {@code tags["kuma.io/service"]}. */
    public FieldPath key(String key) {
        return new FieldPath(value + "[\"" + key + "\"]");
    }

    @Override
    public String toString() {
        return value;
    }
}
