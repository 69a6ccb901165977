package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec.AvailableService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Other zones' instances of a service, reached through their zone ingress: for every ZoneIngress of another zone that
 * offers service S in this mesh, one endpoint at the ingress's advertised address with weight = instance count, in
 * that zone's locality. This zone's own ingresses are never used (local traffic goes to local instances directly),
 * and an offer of 0 instances gives no endpoint: that is how a zone with no healthy instance tells the others to stop
 * sending (EDS has no weight 0).
 */
public record CrossZoneEndpoints(String localZone) implements EndpointSource {
    private static final System.Logger LOG = System.getLogger(CrossZoneEndpoints.class.getName());

    @Override
    public Map<String, List<LocalityEndpoints>> endpoints(MeshInputs mesh) {
        // service -> zone -> endpoints (several ingresses in one zone share the zone's locality)
        Map<String, Map<String, List<Endpoint>>> byService = new TreeMap<>();
        for (Resource r : mesh.zoneIngresses()) {
            ZoneIngressSpec spec = r.spec(ZoneIngressSpec.class);
            String zone = spec.zone();
            if (zone == null || zone.isEmpty() || zone.equals(localZone)) continue;
            String address = spec.reachableAddress();
            int port = spec.reachablePort();
            if (address == null || address.isEmpty() || port == 0) {
                LOG.log(System.Logger.Level.DEBUG, "ZoneIngress " + r.meta().name() + " of zone " + zone + " has no advertised address yet");
                continue;
            }
            for (AvailableService s : spec.services()) {
                if (!mesh.mesh().equals(s.mesh()) || s.serviceName() == null || s.instancesOrZero() <= 0) continue;
                byService.computeIfAbsent(s.serviceName(), k -> new TreeMap<>()).computeIfAbsent(zone, k -> new ArrayList<>())
                        .add(new Endpoint(address, port, s.tagsOrEmpty(), s.instancesOrZero(), true, true));
            }
        }
        Map<String, List<LocalityEndpoints>> out = new TreeMap<>();
        byService.forEach((service, zones) -> {
            List<LocalityEndpoints> ls = new ArrayList<>();
            zones.forEach((zone, eps) -> ls.add(new LocalityEndpoints(zone, 0, eps)));
            out.put(service, ls);
        });
        return out;
    }
}
