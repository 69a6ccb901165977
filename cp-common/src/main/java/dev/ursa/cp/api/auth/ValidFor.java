package dev.ursa.cp.api.auth;

import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.validation.ValidationException;

import java.time.Duration;

/**
 * The {@code validFor} of a token request, a Kuma duration ({@code "24h"}, {@code "30m"}, {@code "8760h"}): absent means
 * the kind's default; refused with a 400 naming {@code validFor} when it does not parse, is not positive, or is longer
 * than {@link TokenKeys#MAX_VALIDITY}. Shared by every token endpoint.
 */
public final class ValidFor {
    public static final String FIELD = "validFor";

    private ValidFor() {
    }

    /** @param title the error body's title, e.g. "Invalid user token request" */
    public static Duration parse(String raw, Duration byDefault, String title) {
        if (raw == null) return byDefault;
        Duration d;
        try {
            d = KumaDuration.parse(raw.strip()).value();
        } catch (IllegalArgumentException e) {
            throw ValidationException.of(title, FIELD, "must be a duration like \"24h\", \"30m\" or \"8760h\"");
        }
        if (d.isNegative() || d.isZero()) throw ValidationException.of(title, FIELD, "must be positive");
        if (d.compareTo(TokenKeys.MAX_VALIDITY) > 0) {
            throw ValidationException.of(title, FIELD, "must be at most " + TokenKeys.MAX_VALIDITY.toHours() + "h (10 years)");
        }
        return d;
    }
}
