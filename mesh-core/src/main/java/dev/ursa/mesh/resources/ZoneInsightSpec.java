package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.ResourceSpec;

import java.util.List;

/** What the global knows of a zone's KDS sessions. Filled in by the KDS issue; kept opaque until then. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ZoneInsightSpec(List<JsonNode> subscriptions) implements ResourceSpec {
}
