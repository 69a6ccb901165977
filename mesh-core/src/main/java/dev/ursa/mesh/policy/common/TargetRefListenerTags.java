package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

import java.util.Set;

/**
 * Kuma's {@code GatewayListenerTagsAllowed} option: some policies may select listeners of a MeshGateway by tags
 * ({@code kind: MeshGateway, name: edge, tags: {port: http-80}}). {@link TargetRefRules} forbids tags on MeshGateway, so
 * the tags are checked here as a selector and the rest of the ref goes through the shared rules.
 */
public final class TargetRefListenerTags {
    private TargetRefListenerTags() {
    }

    public static void validate(TargetRef ref, FieldPath path, Set<TargetRefKind> supported, boolean inbound, Violations out) {
        if (ref != null && ref.kind() == TargetRefKind.MeshGateway && ref.tags() != null && supported.contains(TargetRefKind.MeshGateway)) {
            TargetRef withoutTags = new TargetRef(ref.kind(), ref.name(), ref.namespace(), ref.sectionName(), null,
                    ref.labels(), ref.mesh(), ref.proxyTypes(), ref.port());
            TargetRefRules.validate(withoutTags, path, supported, inbound, out);
            Tags.validateSelector(ref.tags(), path.field("tags"), out);
            return;
        }
        TargetRefRules.validate(ref, path, supported, inbound, out);
    }
}
