package dev.ursa.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.it.Http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a control plane holds of one resource type in mesh default, read through its REST listing (every page). */
final class Inventory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Inventory() {
    }

    /**
     * Name → spec (as JSON text) of every {@code plural} in mesh default at {@code baseUrl}. Fails on a name listed twice
     * (a duplicate resource).
     */
    static Map<String, String> specs(String baseUrl, String plural) throws IOException, InterruptedException {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode item : items(baseUrl, plural)) {
            String name = item.path("name").asText();
            if (out.put(name, item.path("spec").toString()) != null) throw new AssertionError("duplicate " + plural + "/" + name + " at " + baseUrl);
        }
        return out;
    }

    static List<JsonNode> items(String baseUrl, String plural) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String next = baseUrl + "/meshes/default/" + plural + "?size=1000";
        while (next != null) {
            Http.Reply r = Http.get(next);
            if (r.status() != 200) throw new IllegalStateException("GET " + next + ": " + r);
            JsonNode page = JSON.readTree(r.body());
            page.path("items").forEach(items::add);
            next = page.path("next").isTextual() ? page.path("next").asText() : null;
        }
        return items;
    }

    /** The idleTimeout of a MeshTimeout spec written by {@link #meshTimeout}; null for none. */
    static String idleTimeout(String spec) {
        if (spec == null) return null;
        try {
            return JSON.readTree(spec).path("to").get(0).path("default").path("idleTimeout").asText();
        } catch (IOException e) {
            throw new IllegalStateException("unreadable spec " + spec, e);
        }
    }

    /** The MeshTimeout {@code name} of mesh default targeting the whole mesh, with {@code idleTimeout} (and optionally a connect timeout). */
    static String meshTimeout(String name, String idleTimeout, String connectionTimeout) {
        return """
                type: MeshTimeout
                mesh: default
                name: %s
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: Mesh
                    default:
                      %s
                """.formatted(name, connectionTimeout == null ? "idleTimeout: " + idleTimeout
                : "connectionTimeout: " + connectionTimeout);
    }

    /** A Dataplane of mesh default with one inbound of {@code service}. */
    static String dataplane(String name, String service, int port) {
        return dataplane(name, service, port, null);
    }

    /** A Dataplane of mesh default with one inbound of {@code service}, of {@code protocol} (null: none, i.e. tcp). */
    static String dataplane(String name, String service, int port, String protocol) {
        String yaml = """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags:
                      kuma.io/service: %s
                """.formatted(name, port, service);
        return protocol == null ? yaml : yaml + "      kuma.io/protocol: " + protocol + "\n";
    }
}
