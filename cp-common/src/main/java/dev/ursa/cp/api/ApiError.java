package dev.ursa.cp.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ursa.mesh.validation.Violation;

import java.util.List;

/**
 * Every error body of the admin API, Kuma 2.14's: the AIP-193 fields kumactl reads ({@code type}, {@code status},
 * {@code title}, {@code detail}, {@code invalid_parameters[{field, reason}]}) followed by Kuma's older ones, which say
 * the same ({@code details}, {@code causes[{field, message}]}). Both lists are always present, empty when there is no
 * field to name. Written by {@link ErrorMappers} only.
 */
@JsonPropertyOrder({"type", "status", "title", "detail", "invalid_parameters", "details", "causes"})
public record ApiError(int status, String title, String details, List<Violation> causes) {
    /** Kuma's {@code type} for every error it answers (pkg/core/rest/errors/error_handler.go). */
    public static final String TYPE = "/std-errors";

    public ApiError {
        causes = List.copyOf(causes);
    }

    public static ApiError of(int status, String title, String details) {
        return new ApiError(status, title, details, List.of());
    }

    @JsonProperty("type")
    public String type() {
        return TYPE;
    }

    @JsonProperty("detail")
    public String detail() {
        return details;
    }

    @JsonProperty("invalid_parameters")
    public List<InvalidParameter> invalidParameters() {
        return causes.stream().map(c -> new InvalidParameter(c.field(), c.message())).toList();
    }

    /** One entry of {@code invalid_parameters}: the field path (as in {@code causes}) and why. */
    public record InvalidParameter(String field, String reason) {
    }
}
