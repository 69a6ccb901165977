package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A global (memory store) and N zone CPs with one ingress each, all real processes from the built fast-jars, with the
 * secure defaults (KDS over TLS verified with the global's CA, zone tokens in files). Zones
 * and ingresses start in parallel (an ingress waits for its zone CP with its own backoff). Timings are shortened
 * only where they are reconnect backoffs, which no test measures.
 */
final class Federation implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;
    private UrsaProcess global;
    private final Map<String, UrsaProcess> zones = new LinkedHashMap<>();
    private final Map<String, UrsaProcess> ingresses = new LinkedHashMap<>();
    private final Map<String, Integer> xdsPorts = new LinkedHashMap<>();
    private final Map<String, Integer> ingressPorts = new LinkedHashMap<>();
    private final Map<String, Integer> zoneHttp = new LinkedHashMap<>();
    private final Map<String, Integer> ingressHttp = new LinkedHashMap<>();

    private Federation(String prefix) {
        this.prefix = prefix;
    }

    /** Starts the global, then every zone CP and its ingress at once; returns when all are ready and mesh default is in every zone. */
    static Federation start(String prefix, List<String> zoneNames) throws Exception {
        Federation f = new Federation(prefix);
        try {
            f.startAll(zoneNames);
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    private void startAll(List<String> zoneNames) throws Exception {
        // every port at once, distinct: freePort() one by one can hand out the same port twice
        Deque<Integer> ports = reservePorts(2 + 4 * zoneNames.size());
        int kds = ports.pop();
        global = UrsaProcess.start(prefix + "-global", "global-cp", ports.pop(), Map.of("ursa.kds.port", Integer.toString(kds)));
        Http.Reply mesh = Http.putYaml(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null);
        if (mesh.status() / 100 != 2) throw new IllegalStateException("mesh default: " + mesh);
        Map<String, Map<String, String>> kdsProps = new LinkedHashMap<>();
        for (String zone : zoneNames) {
            kdsProps.put(zone, ZoneKds.props(global.baseUrl(), zone, kds));
            xdsPorts.put(zone, ports.pop());
            ingressPorts.put(zone, ports.pop());
            zoneHttp.put(zone, ports.pop());
            ingressHttp.put(zone, ports.pop());
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<UrsaProcess>> z = new LinkedHashMap<>();
            Map<String, Future<UrsaProcess>> in = new LinkedHashMap<>();
            for (String zone : zoneNames) {
                Map<String, String> props = new LinkedHashMap<>(kdsProps.get(zone));
                props.put("ursa.zone.kds.backoff-max", "1s");
                // the tests' grpc-xds clients (default.client-<zone>) have a token but no Dataplane
                props.put("ursa.xds.allow-unregistered-clients", "true");
                props.put("quarkus.grpc.server.port", Integer.toString(xdsPorts.get(zone)));
                Future<UrsaProcess> zoneCp = pool.submit(() -> UrsaProcess.start(prefix + "-" + zone, "zone-cp", zoneHttp.get(zone), props));
                z.put(zone, zoneCp);
                in.put(zone, pool.submit(() -> UrsaProcess.start(prefix + "-ingress-" + zone, "ingress-gateway", ingressHttp.get(zone), Map.of(
                        "ursa.ingress.name", "ingress-" + zone,
                        // an ingress token of its zone, minted once that zone CP is up
                        "ursa.ingress.token-file", XdsTokens.ingressTokenFile(zoneCp.get().baseUrl(), prefix + "-ingress-" + zone).toString(),
                        "ursa.ingress.zone-cp-address", "grpc://127.0.0.1:" + xdsPorts.get(zone),
                        "ursa.ingress.port", Integer.toString(ingressPorts.get(zone)),
                        "ursa.ingress.advertised-address", "127.0.0.1",
                        "ursa.ingress.advertised-port", Integer.toString(ingressPorts.get(zone)),
                        "ursa.ingress.backoff-max", "500ms"))));
            }
            // collect every result before failing, so no started process is left unowned
            List<Exception> failures = new ArrayList<>();
            for (String zone : zoneNames) {
                collect(z.get(zone), zones, zone, failures);
                collect(in.get(zone), ingresses, zone, failures);
            }
            if (!failures.isEmpty()) {
                IllegalStateException e = new IllegalStateException("federation did not start", failures.getFirst());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
        for (String zone : zoneNames) {
            Await.until("mesh default at " + zone, Duration.ofSeconds(30), () -> Http.get(zoneUrl(zone) + "/meshes/default").status() == 200);
        }
    }

    /** {@code n} distinct free ports: all sockets are held open until every port is chosen. */
    private static Deque<Integer> reservePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            Deque<Integer> ports = new ArrayDeque<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports.add(s.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket s : held) s.close();
        }
    }

    private static void collect(Future<UrsaProcess> f, Map<String, UrsaProcess> into, String zone, List<Exception> failures) {
        try {
            into.put(zone, f.get());
        } catch (Exception e) {
            failures.add(e);
        }
    }

    UrsaProcess global() {
        return global;
    }

    String globalUrl() {
        return global.baseUrl();
    }

    String zoneUrl(String zone) {
        return zones.get(zone).baseUrl();
    }

    /** SIGKILLs {@code zone}'s CP (its ingress keeps running): the global sees the KDS streams drop. */
    void killZone(String zone) throws InterruptedException {
        zones.get(zone).kill();
    }

    String ingressUrl(String zone) {
        return ingresses.get(zone).baseUrl();
    }

    int xdsPort(String zone) {
        return xdsPorts.get(zone);
    }

    /** The port {@code zone}'s ingress listens on and advertises (on 127.0.0.1). */
    int ingressPort(String zone) {
        return ingressPorts.get(zone);
    }

    /**
     * The endpoints {@code zone}'s CP gives the xDS node {@code default.<node>} for {@code service}, per locality zone, as
     * "address:port" (its {@code _config}, i.e. the EDS the node was sent).
     */
    Map<String, List<String>> endpointsOf(String zone, String node, String service) throws IOException, InterruptedException {
        return endpointsAt(zoneUrl(zone), node, service);
    }

    /** As {@link #endpointsOf(String, String, String)}, for the zone CP at {@code zoneUrl}. */
    static Map<String, List<String>> endpointsAt(String zoneUrl, String node, String service) throws IOException, InterruptedException {
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
    static long ingressBytesIn(String ingressUrl, String service) throws IOException, InterruptedException {
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
    static long leastRequestBytes(int payload) {
        return payload + 5 + 9;
    }

    /** Registers {@code backend} as Dataplane {@code name} of {@code zone}, one ready inbound of {@code service} (grpc). */
    void register(String zone, String name, String service, EchoBackend backend) throws IOException, InterruptedException {
        Http.Reply r = Http.putYaml(zoneUrl(zone) + "/meshes/default/dataplanes/" + name, """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags:
                      kuma.io/service: %s
                      kuma.io/protocol: grpc
                """.formatted(name, backend.port(), service), null);
        if (r.status() / 100 != 2) throw new IllegalStateException("register " + zone + "/" + name + ": " + r);
    }

    void deregister(String zone, String name) throws IOException, InterruptedException {
        Http.Reply r = Http.delete(zoneUrl(zone) + "/meshes/default/dataplanes/" + name);
        if (r.status() != 200) throw new IllegalStateException("deregister " + zone + "/" + name + ": " + r);
    }

    /** PUTs a policy on the global (mesh default) and waits until KDS has delivered it to every zone. */
    void applyOnGlobal(String plural, String name, String yaml) throws Exception {
        Http.Reply r = Http.putYaml(globalUrl() + "/meshes/default/" + plural + "/" + name, yaml, null);
        if (r.status() / 100 != 2) throw new IllegalStateException("apply " + plural + "/" + name + ": " + r);
        for (String zone : zones.keySet()) {
            Await.until(plural + "/" + name + " at " + zone, Duration.ofSeconds(10),
                    () -> Http.get(zoneUrl(zone) + "/meshes/default/" + plural + "/" + name).status() == 200);
        }
    }

    /** Instances of {@code service} that {@code observer} sees offered by {@code offering}'s ingress; -1 when it has no such ZoneIngress. */
    int offeredInstances(String observer, String offering, String service) throws IOException, InterruptedException {
        Http.Reply r = Http.get(zoneUrl(observer) + "/zoneingresses");
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

    void awaitOffered(String observer, String offering, String service, int instances) {
        Await.until(observer + " sees " + offering + " offering " + instances + " instance(s) of " + service, Duration.ofSeconds(10),
                () -> offeredInstances(observer, offering, service) == instances);
    }

    @Override
    public void close() throws InterruptedException {
        for (UrsaProcess p : ingresses.values()) p.close();
        for (UrsaProcess z : zones.values()) z.close();
        if (global != null) global.close();
    }
}
