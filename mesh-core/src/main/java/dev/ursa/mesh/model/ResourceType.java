package dev.ursa.mesh.model;

import dev.ursa.mesh.validation.SpecValidator;

import java.util.Objects;

/**
 * Everything Ursa needs to know about one resource type, declared once (see {@link ResourceTypes}).
 *
 * @param name      the {@code type} field, e.g. {@code MeshTimeout}
 * @param plural    the REST collection, e.g. {@code meshtimeouts}
 * @param policy    a targetRef policy (only the global may write it)
 */
public record ResourceType(
        String name,
        String plural,
        Scope scope,
        Layout layout,
        Owner owner,
        boolean policy,
        Class<? extends ResourceSpec> specClass,
        SpecValidator<? extends ResourceSpec> validator) {

    public ResourceType {
        Objects.requireNonNull(name);
        Objects.requireNonNull(plural);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(layout);
        Objects.requireNonNull(owner);
        Objects.requireNonNull(specClass);
        Objects.requireNonNull(validator);
    }

    public static <S extends ResourceSpec> ResourceType policy(String name, String plural, Class<S> spec, SpecValidator<S> validator) {
        return new ResourceType(name, plural, Scope.MESH, Layout.NESTED, Owner.GLOBAL, true, spec, validator);
    }

    /** Holds secret material ({@link SensitiveSpec}): synced, but never exported as a change event, redacted for non-admins. */
    public boolean sensitive() {
        return SensitiveSpec.class.isAssignableFrom(specClass);
    }

    public boolean meshScoped() {
        return scope == Scope.MESH;
    }

    @SuppressWarnings("unchecked")
    public <S extends ResourceSpec> SpecValidator<S> validatorFor() {
        return (SpecValidator<S>) validator;
    }

    @Override
    public String toString() {
        return name;
    }
}
