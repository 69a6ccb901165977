package dev.ursa.zone.xds.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every endpoint of one service, grouped by locality and priority. */
public record ServiceEndpoints(String service, List<LocalityEndpoints> localities) {
    public ServiceEndpoints {
        localities = List.copyOf(localities);
    }

    public static ServiceEndpoints empty(String service) {
        return new ServiceEndpoints(service, List.of());
    }

    /** Only the endpoints whose tags contain {@code selector} ("*" = any value); localities left empty are dropped. */
    public ServiceEndpoints subset(Map<String, String> selector) {
        if (selector.isEmpty()) return this;
        List<LocalityEndpoints> out = new ArrayList<>();
        for (LocalityEndpoints l : localities) {
            List<Endpoint> kept = l.endpoints().stream().filter(e -> matches(selector, e.tags())).toList();
            if (!kept.isEmpty()) out.add(new LocalityEndpoints(l.zone(), l.priority(), kept));
        }
        return new ServiceEndpoints(service, out);
    }

    static boolean matches(Map<String, String> selector, Map<String, String> tags) {
        for (var e : selector.entrySet()) {
            String actual = tags.get(e.getKey());
            if (actual == null || !(e.getValue().equals("*") || e.getValue().equals(actual))) return false;
        }
        return true;
    }
}
