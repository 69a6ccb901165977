package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.model.ResourceSpec;

/** A zone known to the global. {@code enabled=false} keeps a zone's KDS stream from being accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ZoneSpec(Boolean enabled) implements ResourceSpec {
    public boolean isEnabled() {
        return enabled == null || enabled;
    }
}
