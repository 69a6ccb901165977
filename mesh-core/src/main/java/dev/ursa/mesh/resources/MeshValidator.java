package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** Checks that the pass-through Mesh blocks are objects, so a typo like {@code "mtls": true} is caught. */
public final class MeshValidator implements SpecValidator<MeshSpec> {
    @Override
    public void validate(MeshSpec spec, FieldPath path, Violations out) {
        object(spec.tracing(), path.field("tracing"), out);
        object(spec.logging(), path.field("logging"), out);
        object(spec.metrics(), path.field("metrics"), out);
        object(spec.networking(), path.field("networking"), out);
        object(spec.routing(), path.field("routing"), out);
        object(spec.constraints(), path.field("constraints"), out);
        object(spec.meshServices(), path.field("meshServices"), out);
    }

    private static void object(JsonNode node, FieldPath path, Violations out) {
        if (node != null && !node.isNull() && !node.isObject()) {
            out.add(path, "must be an object");
        }
    }
}
