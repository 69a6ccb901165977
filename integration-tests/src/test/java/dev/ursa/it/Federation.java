package dev.ursa.it;

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
                // an ingress token of its zone, minted once that zone CP is up
                in.put(zone, pool.submit(() -> CrossZone.startIngress(prefix + "-ingress-" + zone, zone,
                        XdsTokens.ingressTokenFile(zoneCp.get().baseUrl(), prefix + "-ingress-" + zone), xdsPorts.get(zone), ingressPorts.get(zone),
                        ingressHttp.get(zone))));
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
     * The endpoints {@code zone}'s CP gives the xDS node {@code default.<node>} for {@code service}, per locality zone
     * ({@link CrossZone#endpointsAt}).
     */
    Map<String, List<String>> endpointsOf(String zone, String node, String service) throws IOException, InterruptedException {
        return CrossZone.endpointsAt(zoneUrl(zone), node, service);
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
        return CrossZone.offeredInstances(zoneUrl(observer), offering, service);
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
