package dev.ursa.zone.xds.render;

import dev.ursa.mesh.model.ResourceType;

import java.util.List;

/** A policy plugin failed on a dataplane: names the policies it was applying, so the failure can be blamed on them. */
public final class PolicyRenderException extends RuntimeException {
    private final ResourceType type;
    private final List<String> policies;

    public PolicyRenderException(ResourceType type, List<String> policies, Throwable cause) {
        super(type.name() + " " + policies + ": " + cause, cause);
        this.type = type;
        this.policies = List.copyOf(policies);
    }

    public ResourceType type() {
        return type;
    }

    public List<String> policies() {
        return policies;
    }
}
