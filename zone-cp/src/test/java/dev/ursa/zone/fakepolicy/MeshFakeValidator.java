package dev.ursa.zone.fakepolicy;

import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.Set;

/** MeshFake's rules: at least one {@code to} item, each with a buffer of at least 1 KiB. */
public final class MeshFakeValidator implements SpecValidator<MeshFakeSpec> {
    static final int MIN_BUFFER = 1024;
    private static final Set<TargetRefKind> TO = EnumSet.of(TargetRefKind.Mesh, TargetRefKind.MeshService);

    @Override
    public void validate(MeshFakeSpec spec, FieldPath path, Violations out) {
        if (spec.to().isEmpty()) out.add(path.field("to"), "must be defined");
        for (int i = 0; i < spec.to().size(); i++) {
            MeshFakeSpec.To item = spec.to().get(i);
            FieldPath p = path.field("to").index(i);
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), TO, false, out);
            Integer bytes = item.defaults() == null ? null : item.defaults().bufferBytes();
            if (bytes == null || bytes < MIN_BUFFER) out.add(p.field("default").field("bufferBytes"), "must be at least " + MIN_BUFFER);
        }
    }
}
