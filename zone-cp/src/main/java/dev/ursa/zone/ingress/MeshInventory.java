package dev.ursa.zone.ingress;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec.AvailableService;
import dev.ursa.zone.xds.view.Endpoint;
import dev.ursa.zone.xds.view.LocalEndpoints;
import dev.ursa.zone.xds.view.LocalityEndpoints;
import dev.ursa.zone.xds.view.MeshInputs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one mesh of this zone offers through its ingresses: the aggregate other zones see ({@code availableServices}:
 * one entry per distinct tag set of ready inbounds, with its instance count) and the ingress's routing input (each
 * service's ready endpoints, exactly as local clients get them).
 */
public record MeshInventory(String mesh, List<AvailableService> available, Map<String, List<Endpoint>> endpoints) {
    public MeshInventory {
        available = List.copyOf(available);
        endpoints = Collections.unmodifiableMap(new TreeMap<>(endpoints));
    }

    private static final Comparator<AvailableService> ORDER = Comparator.comparing(AvailableService::serviceName)
            .thenComparing(s -> new TreeMap<>(s.tagsOrEmpty()).toString());

    public static MeshInventory of(String zone, String mesh, Collection<Resource> dataplanes) {
        Map<Map<String, String>, Integer> counts = new HashMap<>();
        Map<String, Resource> byName = new TreeMap<>();
        for (Resource dp : dataplanes) {
            byName.put(dp.meta().name(), dp);
            for (DataplaneSpec.Inbound in : dp.spec(DataplaneSpec.class).inbounds()) {
                if (in.serviceName() == null || !in.ready() || in.portOrZero() == 0) continue;
                counts.merge(new TreeMap<>(in.tagsOrEmpty()), 1, Integer::sum);
            }
        }
        List<AvailableService> available = new ArrayList<>();
        counts.forEach((tags, n) -> available.add(new AvailableService(Map.copyOf(tags), n, mesh, null)));
        available.sort(ORDER);
        Map<String, List<Endpoint>> endpoints = new TreeMap<>();
        new LocalEndpoints(zone).endpoints(new MeshInputs(mesh, Optional.empty(), byName, Map.of())).forEach((service, localities) -> {
            List<Endpoint> eps = new ArrayList<>();
            for (LocalityEndpoints l : localities) eps.addAll(l.endpoints());
            eps.sort(Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port));
            if (!eps.isEmpty()) endpoints.put(service, eps);
        });
        return new MeshInventory(mesh, available, endpoints);
    }
}
