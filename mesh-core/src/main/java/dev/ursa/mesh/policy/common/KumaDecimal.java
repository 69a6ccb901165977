package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A number Kuma accepts either as a JSON number or as a string (its {@code intstr.IntOrString} fields such as
 * {@code failoverThreshold.percentage} or {@code standardDeviationFactor}), e.g. {@code 25}, {@code "25.5"}, {@code 1.9}.
 * Keeps what the user wrote (number or string) so a resource round-trips unchanged. A string that is not a number
 * binds fine and is reported by the validator, as Kuma does.
 *
 * @param number the value when written as a JSON number, else null
 * @param text   the value when written as a string, else null
 */
public record KumaDecimal(Number number, String text) {
    public KumaDecimal {
        if ((number == null) == (text == null)) {
            throw new IllegalArgumentException("exactly one of number or text must be set");
        }
    }

    public static KumaDecimal of(long value) {
        return new KumaDecimal(value, null);
    }

    public static KumaDecimal of(String text) {
        return new KumaDecimal(null, text);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static KumaDecimal fromJson(JsonNode node) {
        if (node.isNumber()) {
            return new KumaDecimal(node.numberValue(), null);
        }
        if (node.isTextual()) {
            return new KumaDecimal(null, node.textValue());
        }
        throw new IllegalArgumentException("wrong value type: must be a number or a string");
    }

    @JsonValue
    Object json() {
        return number != null ? number : text;
    }

    /** The numeric value; empty when the text is not a number. */
    public Optional<BigDecimal> decimal() {
        try {
            return Optional.of(new BigDecimal(number != null ? number.toString() : text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Numbers are equal by value (25 == 25L == 25.0), whatever Java type the parser chose; strings by text. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KumaDecimal other)) return false;
        if (number == null || other.number == null) return number == null && other.number == null && text.equals(other.text);
        return new BigDecimal(number.toString()).compareTo(new BigDecimal(other.number.toString())) == 0;
    }

    @Override
    public int hashCode() {
        return number == null ? text.hashCode() : new BigDecimal(number.toString()).stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
        return String.valueOf(json());
    }
}
