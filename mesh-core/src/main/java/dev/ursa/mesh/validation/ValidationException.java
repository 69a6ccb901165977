package dev.ursa.mesh.validation;

import java.util.List;
import java.util.stream.Collectors;

/** Bad input: a title for humans and the list of field-level causes. Maps to HTTP 400 with Kuma's error body. */
public final class ValidationException extends RuntimeException {
    private final String title;
    private final List<Violation> violations;

    public ValidationException(String title, List<Violation> violations) {
        super(title + ": " + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.title = title;
        this.violations = List.copyOf(violations);
    }

    public static ValidationException of(String title, String field, String message) {
        return new ValidationException(title, List.of(new Violation(field, message)));
    }

    public String title() {
        return title;
    }

    public List<Violation> violations() {
        return violations;
    }
}
