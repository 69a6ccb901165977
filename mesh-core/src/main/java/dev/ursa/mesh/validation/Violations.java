package dev.ursa.mesh.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every violation of one validation run, so a user sees all problems at once, plus warnings: things that are
 * accepted but probably not what the user meant (returned with the write, never block it). Not thread-safe.
 */
public final class Violations {
    private final List<Violation> items = new ArrayList<>();
    private final List<Violation> warnings = new ArrayList<>();

    public Violations add(FieldPath field, String message) {
        items.add(new Violation(field.value(), message));
        return this;
    }

    /** Accepted, but the user should hear about it (e.g. a field Ursa keeps but does not apply). */
    public Violations warn(FieldPath field, String message) {
        warnings.add(new Violation(field.value(), message));
        return this;
    }

    public List<Violation> warnings() {
        return List.copyOf(warnings);
    }

    public Violations addAll(List<Violation> more) {
        items.addAll(more);
        return this;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public List<Violation> list() {
        return List.copyOf(items);
    }

    /** Throws {@link ValidationException} with every violation collected, if any. */
    public void throwIfAny(String title) {
        if (!items.isEmpty()) {
            throw new ValidationException(title, list());
        }
    }
}
