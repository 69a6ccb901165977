package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cross-zone traffic in the multi-process tests: a zone's ingress gateway process, what a zone CP offers and gives an
 * xDS client of other zones' services, and what an ingress relayed.
 */
public final class CrossZone {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CrossZone() {
    }

    /**
     * Starts ingress {@code ingress-<zone>} (process {@code processName}, HTTP on {@code httpPort}) with the ingress token in
     * {@code tokenFile}, dialling its zone CP's xDS port; it listens on and advertises 127.0.0.1:{@code port}. Its
     * reconnect backoff is shortened (no test measures it). Returns once it is ready.
     */
    public static UrsaProcess startIngress(String processName, String zone, Path tokenFile, int zoneXdsPort, int port, int httpPort)
            throws IOException {
        return UrsaProcess.start(processName, "ingress-gateway", httpPort, Map.of(
                "ursa.ingress.name", "ingress-" + zone,
                "ursa.ingress.token-file", tokenFile.toString(),
                "ursa.ingress.zone-cp-address", "grpc://127.0.0.1:" + zoneXdsPort,
                "ursa.ingress.port", Integer.toString(port),
                "ursa.ingress.advertised-address", "127.0.0.1",
                "ursa.ingress.advertised-port", Integer.toString(port),
                "ursa.ingress.backoff-max", "500ms"));
    }

    /**
     * Instances of {@code service} that the zone CP at {@code observerUrl} sees offered by zone {@code offering}'s ingress;
     * -1 when it has no such ZoneIngress.
     */
    public static int offeredInstances(String observerUrl, String offering, String service) throws IOException, InterruptedException {
        Http.Reply r = Http.get(observerUrl + "/zoneingresses");
        if (r.status() != 200) return -1;
        for (JsonNode zi : JSON.readTree(r.body()).path("items")) {
            if (!offering.equals(zi.path("zone").asText())) continue;
            int n = 0;
            for (JsonNode s : zi.path("availableServices")) {
                if (service.equals(s.path("tags").path("kuma.io/service").asText())) n += s.path("instances").asInt();
            }
            return n;
        }
        return -1;
    }

    /**
     * The endpoints the zone CP at {@code zoneUrl} gives the xDS node {@code default.<node>} for {@code service}, per
     * locality zone, as "address:port" (its {@code _config}, i.e. the EDS the node was sent).
     */
    public static Map<String, List<String>> endpointsAt(String zoneUrl, String node, String service) throws IOException, InterruptedException {
        Http.Reply r = Http.get(zoneUrl + "/meshes/default/dataplanes/" + node + "/_config");
        if (r.status() != 200) throw new IllegalStateException("_config of " + node + " at " + zoneUrl + ": " + r);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (JsonNode cla : JSON.readTree(r.body()).path("endpoints")) {
            if (!service.equals(cla.path("clusterName").asText())) continue;
            for (JsonNode locality : cla.path("endpoints")) {
                List<String> addresses = out.computeIfAbsent(locality.path("locality").path("zone").asText(), z -> new ArrayList<>());
                for (JsonNode lb : locality.path("lbEndpoints")) {
                    JsonNode sa = lb.path("endpoint").path("address").path("socketAddress");
                    addresses.add(sa.path("address").asText() + ":" + sa.path("portValue").asInt());
                }
            }
        }
        return out;
    }

    /**
     * Bytes the ingress at {@code ingressUrl} relayed from clients to {@code service} of mesh default
     * ({@code ursa_ingress_bytes_total{direction="in"}} on its {@code /q/metrics}; 0 before the first connection).
     */
    public static long ingressBytesIn(String ingressUrl, String service) throws IOException, InterruptedException {
        Http.Reply metrics = Http.getText(ingressUrl + "/q/metrics");
        if (metrics.status() != 200) throw new IllegalStateException("metrics of " + ingressUrl + ": " + metrics);
        long n = 0;
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("ursa_ingress_bytes_total{") && line.contains("direction=\"in\"") && line.contains("mesh=\"default\"")
                    && line.contains("service=\"" + service + "\"")) {
                n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    /**
     * The least a unary gRPC request with a {@code payload}-byte message puts on the wire besides its headers: the message,
     * its 5-byte gRPC prefix and at least one 9-byte HTTP/2 DATA frame header.
     */
    public static long leastRequestBytes(int payload) {
        return payload + 5 + 9;
    }

    /** A MeshRetry for gRPC calls to {@code service} (named {@code <service>-retry}): 5 retries on UNAVAILABLE and CANCELLED. */
    public static String retryPolicy(String service) {
        return """
                type: MeshRetry
                mesh: default
                name: %s-retry
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: %s}
                      default:
                        grpc:
                          numRetries: 5
                          # a killed instance resets the calls in flight on it (CANCELLED)
                          retryOn: [Unavailable, Canceled]
                """.formatted(service, service);
    }
}
