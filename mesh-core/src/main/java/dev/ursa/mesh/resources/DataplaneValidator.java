package dev.ursa.mesh.resources;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB. */
public final class DataplaneValidator implements SpecValidator<DataplaneSpec> {
    @Override
    public void validate(DataplaneSpec spec, FieldPath path, Violations out) {
    }
}
