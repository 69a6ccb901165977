package dev.ursa.mesh.model;

import dev.ursa.mesh.validation.SpecValidator;

import java.util.Locale;
import java.util.Objects;

/**
 * The one declaration of a policy type, from which every list of policy types is derived: {@link ResourceTypes} (REST
 * paths, decoding, the store), the KDS type lists, the zone's plugin order and the policy types its views match.
 * A policy's own package declares it ({@code policy/<folder>/<Type>Policy.TYPE}); {@link ResourceTypes} registers it in
 * one line, and the zone registers its xDS plugin by it.
 *
 * @param type  name, REST plural, spec class and validator; its owner is the KDS direction: a policy owned by the
 *              global is written there and synced down to every zone, one owned by a zone is synced up
 * @param order where the type's xDS plugin runs among the others, ascending (routes first, so that later plugins see
 *              every route); unique among the registered types
 */
public record PolicyType(ResourceType type, int order) {
    public PolicyType {
        Objects.requireNonNull(type);
        if (!type.policy() || type.scope() != Scope.MESH || type.layout() != Layout.NESTED) {
            throw new IllegalArgumentException(type.name() + " is not a mesh-scoped targetRef policy type");
        }
    }

    /**
     * @param syncedFrom the control plane that owns it (the KDS direction); Kuma's policies are written on the global
     */
    public static <S extends ResourceSpec> PolicyType of(String name, String plural, int order, Owner syncedFrom,
                                                         Class<S> spec, SpecValidator<S> validator) {
        return new PolicyType(new ResourceType(name, plural, Scope.MESH, Layout.NESTED, syncedFrom, true, spec, validator), order);
    }

    public String name() {
        return type.name();
    }

    public Class<? extends ResourceSpec> specClass() {
        return type.specClass();
    }

    public SpecValidator<? extends ResourceSpec> validator() {
        return type.validator();
    }

    /** The KDS direction: the owner writes it, the other side receives it. */
    public Owner syncedFrom() {
        return type.owner();
    }

    /**
     * The name of the type's folders (its name in lower case): {@code mesh-core .../policy/<folder>},
     * {@code zone-cp .../xds/plugins/<folder>} and that folder's golden testdata.
     */
    public String folder() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name();
    }
}
