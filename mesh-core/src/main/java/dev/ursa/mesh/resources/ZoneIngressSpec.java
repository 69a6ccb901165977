package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.model.ResourceSpec;
import dev.ursa.mesh.policy.common.Tags;

import java.util.List;
import java.util.Map;

/**
 * A Kuma 2.14 universal ZoneIngress (layout INLINE). The zone CP fills {@code availableServices}; other zones use
 * {@code advertisedAddress:advertisedPort} to reach the services behind it.
 *
 * @param zone set by the control plane to the zone the ingress serves
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ZoneIngressSpec(String zone, Networking networking, List<AvailableService> availableServices) implements ResourceSpec {

    /** Available services, never null. */
    public List<AvailableService> services() {
        return availableServices == null ? List.of() : availableServices;
    }

    /** The address other zones dial: {@code advertisedAddress} when set, else {@code address}. */
    public String reachableAddress() {
        if (networking == null) return null;
        String adv = networking.advertisedAddress();
        return adv != null && !adv.isEmpty() ? adv : networking.address();
    }

    /** The port other zones dial: {@code advertisedPort} when set, else {@code port}. */
    public int reachablePort() {
        if (networking == null) return 0;
        Integer adv = networking.advertisedPort();
        if (adv != null && adv != 0) return adv;
        return networking.port() == null ? 0 : networking.port();
    }

    public ZoneIngressSpec withAvailableServices(List<AvailableService> services) {
        return new ZoneIngressSpec(zone, networking, services);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Networking(String address, String advertisedAddress, Integer port, Integer advertisedPort, DataplaneSpec.Admin admin) {
    }

    /** One service subset offered through the ingress, with its instance count (used as the endpoint weight). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AvailableService(Map<String, String> tags, Integer instances, String mesh, Boolean externalService) {
        public Map<String, String> tagsOrEmpty() {
            return tags == null ? Map.of() : tags;
        }

        public String serviceName() {
            return tagsOrEmpty().get(Tags.SERVICE);
        }

        public int instancesOrZero() {
            return instances == null ? 0 : instances;
        }
    }
}
