package dev.ursa.mesh.validation;

import java.util.regex.Pattern;

/**
 * An immutable JSON field path as users see it in error bodies: {@code spec.to[0].default.http.requestTimeout}.
 */
public record FieldPath(String value) {
    public static final FieldPath ROOT = new FieldPath("");

    public static FieldPath of(String first) {
        return ROOT.field(first);
    }

    /**
     * A field. A name that cannot be written as a path segment (a user's unknown field such as {@code ""} or
     * {@code "a.b"}) is written as a key, {@code spec[""]}, so the path still says where the problem is.
     */
    public FieldPath field(String name) {
        if (!PLAIN_NAME.matcher(name).matches()) return key(name);
        return new FieldPath(value.isEmpty() ? name : value + "." + name);
    }

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_$-]+");

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
