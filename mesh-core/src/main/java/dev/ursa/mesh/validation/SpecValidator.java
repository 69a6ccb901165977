package dev.ursa.mesh.validation;

/** Checks one spec type. Reports every violation under {@code path}; never throws for bad input. */
@FunctionalInterface
public interface SpecValidator<S> {
    void validate(S spec, FieldPath path, Violations out);

    static <S> SpecValidator<S> none() {
        return (spec, path, out) -> { };
    }
}
