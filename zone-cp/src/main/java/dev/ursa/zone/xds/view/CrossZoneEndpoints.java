package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec.AvailableService;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Other zones' instances of a service, reached through their zone ingress: for every ZoneIngress of another zone that
 * offers service S in this mesh, one endpoint at the ingress's advertised address with weight = instance count, in
 * that zone's locality. This zone's own ingresses are never used (local traffic goes to local instances directly),
 * and an offer of 0 instances gives no endpoint: that is how a zone with no healthy instance tells the others to stop
 * sending (EDS has no weight 0). An advertised host name is resolved to its IP ({@link IngressAddressResolver}): EDS
 * endpoints must be IP literals; an ingress whose name does not resolve gives no endpoint.
 */
public record CrossZoneEndpoints(String localZone, IngressAddressResolver addresses) implements EndpointSource {
    private static final Logger LOG = Logger.getLogger(CrossZoneEndpoints.class);

    /** With the system DNS resolver. */
    public CrossZoneEndpoints(String localZone) {
        this(localZone, IngressAddressResolver.system());
    }

    @Override
    public Map<String, List<LocalityEndpoints>> endpoints(MeshInputs mesh) {
        // service -> zone -> endpoints (several ingresses in one zone share the zone's locality)
        Map<String, Map<String, List<Endpoint>>> byService = new TreeMap<>();
        Set<String> advertised = new HashSet<>();
        for (Resource r : mesh.zoneIngresses()) {
            ZoneIngressSpec spec = r.spec(ZoneIngressSpec.class);
            String zone = spec.zone();
            if (zone == null || zone.isEmpty() || zone.equals(localZone)) continue;
            String host = spec.reachableAddress();
            int port = spec.reachablePort();
            if (host == null || host.isEmpty() || port == 0) {
                LOG.debugf("ZoneIngress %s of zone %s has no advertised address yet", r.meta().name(), zone);
                continue;
            }
            advertised.add(host);
            List<AvailableService> offers = spec.services().stream()
                    .filter(s -> mesh.mesh().equals(s.mesh()) && s.serviceName() != null && s.instancesOrZero() > 0).toList();
            if (offers.isEmpty()) continue;
            String address = addresses.address("ZoneIngress " + r.meta().name() + " of zone " + zone, host);
            if (address == null) continue; // does not resolve (logged by the resolver): only this ingress is left out
            for (AvailableService s : offers) {
                byService.computeIfAbsent(s.serviceName(), k -> new TreeMap<>()).computeIfAbsent(zone, k -> new ArrayList<>())
                        .add(new Endpoint(address, port, s.tagsOrEmpty(), s.instancesOrZero(), true, true));
            }
        }
        // every mesh sees every ZoneIngress, so this is the whole set of names still advertised
        addresses.retain(advertised);
        Map<String, List<LocalityEndpoints>> out = new TreeMap<>();
        byService.forEach((service, zones) -> {
            List<LocalityEndpoints> ls = new ArrayList<>();
            zones.forEach((zone, eps) -> ls.add(new LocalityEndpoints(zone, 0, eps)));
            out.put(service, ls);
        });
        return out;
    }
}
