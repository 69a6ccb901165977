package dev.ursa.cp.api;

import dev.ursa.mesh.validation.Violation;

import java.util.List;

/** Kuma's error body: {@code {"title","details","causes":[{"field","message"}]}}. */
public record ApiError(String title, String details, List<Violation> causes) {
    public static ApiError of(String title, String details) {
        return new ApiError(title, details, List.of());
    }
}
