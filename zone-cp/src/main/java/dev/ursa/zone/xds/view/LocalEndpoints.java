package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inbounds of this zone's dataplanes, in the local zone's locality. Inbounds that are not ready stay in the index
 * as unhealthy endpoints: they count towards the zone's capacity when the failover threshold is applied.
 */
public record LocalEndpoints(String zone, Addresses addresses) implements EndpointSource {
    /** How a dataplane's address becomes what an endpoint carries. */
    @FunctionalInterface
    public interface Addresses {
        /** Addresses as the Dataplane writes them (the ingress dials host names itself). */
        Addresses AS_WRITTEN = (who, host) -> host;

        /** The address to put in the endpoint, or null to leave the endpoint out; {@code who} names it in logs. */
        String of(String who, String host);
    }

    /** Addresses as written. */
    public LocalEndpoints(String zone) {
        this(zone, Addresses.AS_WRITTEN);
    }

    @Override
    public Map<String, List<LocalityEndpoints>> endpoints(MeshInputs mesh) {
        Map<String, List<Endpoint>> byService = new LinkedHashMap<>();
        for (Resource dp : mesh.dataplanes().values()) {
            DataplaneSpec spec = dp.spec(DataplaneSpec.class);
            String address = spec.reachableAddress();
            for (Inbound in : spec.inbounds()) {
                if (in.serviceName() == null || in.ignored() || in.portOrZero() == 0) continue;
                String at = in.address() != null && !in.address().isEmpty() ? in.address() : address;
                if (at == null) continue;
                // EDS needs an IP: Kuma lets a Dataplane give a host name, which is resolved here (null: not yet / never)
                at = addresses.of("Dataplane " + dp.meta().mesh() + "/" + dp.meta().name(), at);
                if (at == null) continue;
                byService.computeIfAbsent(in.serviceName(), s -> new ArrayList<>())
                        .add(new Endpoint(at, in.portOrZero(), in.tagsOrEmpty(), 1, in.ready(), false));
            }
        }
        Map<String, List<LocalityEndpoints>> out = new LinkedHashMap<>();
        byService.forEach((service, eps) -> out.put(service, List.of(new LocalityEndpoints(zone, 0, eps))));
        return out;
    }
}
