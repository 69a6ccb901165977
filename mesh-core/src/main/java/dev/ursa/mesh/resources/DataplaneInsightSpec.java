package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.ResourceSpec;

import java.util.List;

/**
 * What a zone knows of one dataplane's xDS state, written by the zone (never through the API) and synced to the
 * global, where it is read as {@code <zone>.<name>}. Kuma 2.14's DataplaneInsight (layout INLINE): {@code subscriptions}
 * (one per xDS stream, Kuma's DiscoverySubscription with Ursa's additions: versions sent and ACKed per type, the last
 * NACK) and {@code mTLS} (certificate expiry); both kept as JSON here, the zone's xDS engine writes them. Ursa adds
 * {@code renderError}: why the dataplane's config cannot be computed now (it keeps its last good one).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataplaneInsightSpec(List<JsonNode> subscriptions, @JsonProperty("mTLS") JsonNode mTLS, RenderError renderError)
        implements ResourceSpec {

    public DataplaneInsightSpec(List<JsonNode> subscriptions, RenderError renderError) {
        this(subscriptions, null, renderError);
    }

    /** Online while its last subscription (stream) has no {@code disconnectTime}: the zone's own view. */
    public boolean connected() {
        return subscriptions != null && !subscriptions.isEmpty() && !subscriptions.getLast().has("disconnectTime");
    }

    /**
     * @param type      the type of the resources blamed, e.g. {@code MeshHTTPRoute}
     * @param resources the blamed resources, {@code mesh/name}
     * @param since     when it started (ISO-8601)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RenderError(String type, List<String> resources, String message, String since) {
    }
}
