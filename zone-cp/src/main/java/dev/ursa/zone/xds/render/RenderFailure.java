package dev.ursa.zone.xds.render;

import dev.ursa.mesh.model.Resource;

import java.time.Instant;
import java.util.List;

/**
 * Why a dataplane's configuration could not be computed, and what it is blamed on: the policies of one type that
 * selected it when a plugin failed, else the dataplane itself. The dataplane keeps its last good configuration.
 *
 * @param type      the blamed resources' type, e.g. {@code MeshHTTPRoute}
 * @param resources the blamed resources' names ({@code mesh/name})
 */
public record RenderFailure(String type, List<String> resources, String message, Instant since) {
    public RenderFailure {
        resources = List.copyOf(resources);
    }

    /** The failure {@code error} stands for, blamed on the policies a plugin was applying, else on {@code dataplane}. */
    public static RenderFailure of(Throwable error, Resource dataplane, Instant now) {
        if (error instanceof PolicyRenderException p) {
            return new RenderFailure(p.type().name(), p.policies(), describe(p.getCause()), now);
        }
        return new RenderFailure(dataplane.type().name(), List.of(dataplane.meta().mesh() + "/" + dataplane.meta().name()), describe(error), now);
    }

    /** The same failure again (the time it first happened aside): logged and counted once, not on every recompute. */
    public boolean sameAs(RenderFailure other) {
        return other != null && type.equals(other.type) && resources.equals(other.resources) && message.equals(other.message);
    }

    /** One metric label value for the blamed resources. */
    public String names() {
        return String.join(",", resources);
    }

    private static String describe(Throwable e) {
        Throwable t = e == null ? new IllegalStateException("unknown") : e;
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
