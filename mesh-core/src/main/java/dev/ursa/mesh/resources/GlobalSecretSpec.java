package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.model.ResourceSpec;

/**
 * A secret of the global control plane (Kuma's {@code GlobalSecret}): {@code data} is base64. Internal: kept in the
 * store (so every global instance sharing a database sees it), never served by the REST API nor synced to zones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GlobalSecretSpec(String data) implements ResourceSpec {
}
