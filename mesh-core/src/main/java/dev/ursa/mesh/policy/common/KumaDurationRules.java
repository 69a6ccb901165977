package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

/** Kuma's duration rules for optional policy fields, with Kuma's messages. Absent (null) durations always pass. */
public final class KumaDurationRules {
    private KumaDurationRules() {
    }

    public static void notNegative(KumaDuration d, FieldPath path, Violations out) {
        if (d != null && d.isNegative()) {
            out.add(path, "must not be negative when defined");
        }
    }

    public static void greaterThanZero(KumaDuration d, FieldPath path, Violations out) {
        if (d != null && (d.isNegative() || d.isZero())) {
            out.add(path, "must be greater than zero when defined");
        }
    }
}
