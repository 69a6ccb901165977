package dev.ursa.mesh.validation;

import java.util.ArrayList;
import java.util.List;

/** Collects every violation of one validation run, so a user sees all problems at once. Not thread-safe. */
public final class Violations {
    private final List<Violation> items = new ArrayList<>();

    public Violations add(FieldPath field, String message) {
        items.add(new Violation(field.value(), message));
        return this;
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
