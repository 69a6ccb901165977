package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Kuma's "int or string" value (Kubernetes {@code intstr}): written either as {@code 30} or {@code "30.5"}. Keeps the
 * form the user chose, so a round trip writes back exactly the same token type.
 */
public record KumaIntOrString(Integer intValue, String stringValue) {
    public KumaIntOrString {
        if ((intValue == null) == (stringValue == null)) {
            throw new IllegalArgumentException("exactly one of an integer or a string is needed");
        }
    }

    public static KumaIntOrString of(int value) {
        return new KumaIntOrString(value, null);
    }

    public static KumaIntOrString of(String value) {
        return new KumaIntOrString(null, value);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static KumaIntOrString fromJson(JsonNode node) {
        if (node.isInt()) return of(node.intValue());
        if (node.isTextual()) return of(node.textValue());
        throw new IllegalArgumentException("must be an integer or a string");
    }

    @JsonValue
    Object json() {
        return intValue != null ? intValue : stringValue;
    }

    /** The value as a number, if it is an integer or a string holding a decimal number. */
    public Optional<BigDecimal> asDecimal() {
        if (intValue != null) return Optional.of(BigDecimal.valueOf(intValue));
        try {
            return Optional.of(new BigDecimal(stringValue.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return String.valueOf(json());
    }
}
