package dev.ursa.mesh.resources;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB. */
public final class ZoneIngressValidator implements SpecValidator<ZoneIngressSpec> {
    @Override
    public void validate(ZoneIngressSpec spec, FieldPath path, Violations out) {
    }
}
