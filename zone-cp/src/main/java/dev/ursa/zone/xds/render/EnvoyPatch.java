package dev.ursa.zone.xds.render;

import java.util.List;

/**
 * One policy's edit of a dataplane's packed Envoy resources (MeshProxyPatch), applied after every plugin ran: steps in
 * order, each from one field of the policy. The renderer contains the edit as a whole: when a step throws, or the edit
 * leaves a resource Envoy would refuse, the dataplane gets its config without any of it and the failure is reported
 * against the policy, at the field of the step that failed or last changed the refused resource ({@link PatchFailure}).
 *
 * @param steps applied in this order
 */
public record EnvoyPatch(List<Step> steps) {
    public EnvoyPatch {
        steps = List.copyOf(steps);
    }

    /**
     * @param field where the step comes from in its policy, e.g. {@code spec.default.appendModifications[1]}
     * @param edit  what it does
     */
    public record Step(String field, Edit edit) {
    }

    /** Edits the resources in place; throws when it cannot, saying why. */
    @FunctionalInterface
    public interface Edit {
        void apply(EnvoyResourceSet resources) throws Exception;
    }
}
