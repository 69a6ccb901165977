package dev.ursa.cp.mtls;

import dev.ursa.mesh.validation.Violation;

/** Kuma's {@code ValidationError.AddErrorAt}: a plugin's violation moved under a path. */
final class KumaPaths {
    private KumaPaths() {
    }

    static Violation under(String path, Violation v) {
        String field = v.field();
        if (field.isEmpty()) return new Violation(path, v.message());
        if (path.isEmpty()) return v;
        return new Violation(field.startsWith("[") ? path + field : path + "." + field, v.message());
    }
}
