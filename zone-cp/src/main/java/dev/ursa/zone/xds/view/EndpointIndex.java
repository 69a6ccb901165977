package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The endpoints of every service of a mesh, merged from all {@link EndpointSource}s, plus the mesh's service catalog
 * (names and protocols). The catalog shapes listeners and clusters; the endpoints only shape EDS, so an endpoint
 * change that leaves the catalog equal recomputes EDS only.
 */
public record EndpointIndex(Map<String, ServiceEndpoints> services, Map<String, String> catalog) {
    public EndpointIndex {
        services = Collections.unmodifiableMap(new TreeMap<>(services));
        catalog = Collections.unmodifiableMap(new TreeMap<>(catalog));
    }

    public static EndpointIndex build(MeshInputs mesh, List<EndpointSource> sources) {
        Map<String, List<LocalityEndpoints>> merged = new TreeMap<>();
        for (EndpointSource s : sources) {
            s.endpoints(mesh).forEach((svc, ls) -> merged.computeIfAbsent(svc, k -> new ArrayList<>()).addAll(ls));
        }
        Map<String, ServiceEndpoints> services = new TreeMap<>();
        merged.forEach((svc, ls) -> services.put(svc, new ServiceEndpoints(svc, ls)));
        return new EndpointIndex(services, catalog(mesh));
    }

    /**
     * Service name to protocol ({@code kuma.io/protocol}, "tcp" when nothing says otherwise) of every inbound in the mesh
     * and every service a zone ingress offers in it (a service may run only in other zones).
     */
    static Map<String, String> catalog(MeshInputs mesh) {
        Map<String, String> out = new TreeMap<>();
        for (Resource ingress : mesh.zoneIngresses()) {
            for (ZoneIngressSpec.AvailableService s : ingress.spec(ZoneIngressSpec.class).services()) {
                if (!mesh.mesh().equals(s.mesh()) || s.serviceName() == null) continue;
                out.merge(s.serviceName(), s.tagsOrEmpty().getOrDefault(Tags.PROTOCOL, "tcp"), (x, y) -> x.equals("tcp") ? y : x);
            }
        }
        for (Resource dp : mesh.dataplanes().values()) {
            for (DataplaneSpec.Inbound in : dp.spec(DataplaneSpec.class).inbounds()) {
                if (in.serviceName() == null) continue;
                String protocol = in.tagsOrEmpty().getOrDefault(Tags.PROTOCOL, "tcp");
                out.merge(in.serviceName(), protocol, (a, b) -> a.equals("tcp") ? b : a);
            }
        }
        return out;
    }

    public ServiceEndpoints endpoints(String service) {
        return services.getOrDefault(service, ServiceEndpoints.empty(service));
    }

    public Set<String> serviceNames() {
        Set<String> all = new TreeSet<>(catalog.keySet());
        all.addAll(services.keySet());
        return all;
    }

    public String protocol(String service) {
        return catalog.getOrDefault(service, "tcp");
    }

    /** Services whose endpoints differ between two indexes. */
    public Set<String> changedServices(EndpointIndex other) {
        Set<String> all = new TreeSet<>(services.keySet());
        all.addAll(other.services.keySet());
        all.removeIf(s -> endpoints(s).equals(other.endpoints(s)));
        return all;
    }
}
