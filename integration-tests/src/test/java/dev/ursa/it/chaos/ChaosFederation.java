package dev.ursa.it.chaos;

import dev.ursa.it.CrossZone;
import dev.ursa.it.Http;
import dev.ursa.it.UrsaProcess;
import dev.ursa.it.XdsTokens;
import dev.ursa.it.ZoneKds;
import dev.ursa.testsupport.Await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A global and N zone CPs as real processes from the built fast-jars, each zone dialling the global's KDS port through
 * a {@link FaultProxy} of its own (secure defaults: KDS over TLS, zone tokens in files). The global can be killed and
 * restarted on the same ports. A zone's ingress gateway process starts on demand. Zone CPs accept xDS clients
 * without a Dataplane (the scenarios' watchers), and reconnect with a 1 s backoff cap, which no scenario measures.
 * {@link #behindLoadBalancer} starts several global replicas on one database instead, and every zone dials them
 * through one shared proxy (the load balancer), first to replica 0.
 */
final class ChaosFederation implements AutoCloseable {
    private final String prefix;
    private final Map<String, String> globalProps;
    /** Per replica: HTTP and KDS port, process. Replica 0 is "the global" of the single-global scenarios. */
    private final int[] globalHttp;
    private final int[] kdsPorts;
    private final UrsaProcess[] globals;
    /** The load balancer every zone dials; null when each zone has a proxy of its own. */
    private final FaultProxy sharedProxy;
    private final Map<String, FaultProxy> kdsProxies = new LinkedHashMap<>();
    private final Map<String, UrsaProcess> zones = new LinkedHashMap<>();
    private final Map<String, Integer> xdsPorts = new LinkedHashMap<>();
    private final Map<String, UrsaProcess> ingresses = new LinkedHashMap<>();
    private final Map<String, Integer> ingressPorts = new LinkedHashMap<>();

    private ChaosFederation(String prefix, Map<String, String> globalProps, int[] globalHttp, int[] kdsPorts, boolean shared) throws IOException {
        this.prefix = prefix;
        this.globalProps = globalProps;
        this.globalHttp = globalHttp;
        this.kdsPorts = kdsPorts;
        this.globals = new UrsaProcess[globalHttp.length];
        this.sharedProxy = shared ? new FaultProxy(kdsPorts[0]) : null;
    }

    /**
     * Starts the global with {@code globalStore} (empty: its memory store), mesh default, then every zone at once with
     * {@code zoneStore.apply(zone)} (empty: memory store with a data directory); returns when mesh default is in every zone.
     */
    static ChaosFederation start(String prefix, List<String> zoneNames, Map<String, String> globalStore,
                                 Function<String, Map<String, String>> zoneStore) throws Exception {
        return start(prefix, 1, false, zoneNames, globalStore, zoneStore);
    }

    /**
     * {@code replicas} globals on {@code globalStore} (one Postgres database), each zone (memory store) dialling them
     * through one shared {@link FaultProxy}, the load balancer ({@link #loadBalancer()}), which points at replica 0.
     */
    static ChaosFederation behindLoadBalancer(String prefix, int replicas, List<String> zoneNames, Map<String, String> globalStore) throws Exception {
        return start(prefix, replicas, true, zoneNames, globalStore, zone -> Map.of());
    }

    private static ChaosFederation start(String prefix, int replicas, boolean shared, List<String> zoneNames, Map<String, String> globalStore,
                                         Function<String, Map<String, String>> zoneStore) throws Exception {
        int[] ports = distinctFreePorts(2 * replicas + zoneNames.size());
        ChaosFederation f = new ChaosFederation(prefix, new LinkedHashMap<>(globalStore), Arrays.copyOfRange(ports, 0, replicas),
                Arrays.copyOfRange(ports, replicas, 2 * replicas), shared);
        try {
            for (int r = 0; r < replicas; r++) f.startGlobal(r); // one after the other: each migrates the shared schema
            Http.Reply mesh = Http.putYaml(f.globalUrl() + "/meshes/default", "type: Mesh\nname: default\n", null);
            if (mesh.status() / 100 != 2) throw new IllegalStateException("mesh default: " + mesh);
            f.startZones(zoneNames, zoneStore, Arrays.copyOfRange(ports, 2 * replicas, ports.length));
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    private void startZones(List<String> zoneNames, Function<String, Map<String, String>> zoneStore, int[] xds) throws Exception {
        Path ca = ZoneKds.caFile(globalUrl());
        Path dataDirs = Files.createDirectories(UrsaProcess.repoRoot().resolve("integration-tests/target/it-logs/chaos-" + prefix + "-" + System.nanoTime()));
        Map<String, Map<String, String>> zoneProps = new LinkedHashMap<>();
        for (int i = 0; i < zoneNames.size(); i++) {
            String zone = zoneNames.get(i);
            FaultProxy proxy = sharedProxy != null ? sharedProxy : new FaultProxy(kdsPorts[0]);
            kdsProxies.put(zone, proxy);
            xdsPorts.put(zone, xds[i]);
            Map<String, String> props = new LinkedHashMap<>(ZoneKds.props(zone, proxy.port(), ca, ZoneKds.tokenFile(ZoneKds.mint(globalUrl(), zone, "24h"))));
            props.put("ursa.zone.kds.backoff-max", "1s");
            props.put("ursa.xds.allow-unregistered-clients", "true");
            props.put("quarkus.grpc.server.port", Integer.toString(xds[i]));
            Map<String, String> store = zoneStore.apply(zone);
            if (store.isEmpty()) props.put("ursa.zone.data-dir", dataDirs.resolve(zone).toString());
            props.putAll(store);
            zoneProps.put(zone, props);
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<UrsaProcess>> started = new LinkedHashMap<>();
            zoneProps.forEach((zone, props) -> started.put(zone, pool.submit(() -> UrsaProcess.start(prefix + "-" + zone, "zone-cp", props))));
            List<Exception> failures = new ArrayList<>();
            for (var e : started.entrySet()) {
                try {
                    zones.put(e.getKey(), e.getValue().get());
                } catch (Exception ex) {
                    failures.add(ex); // collect all, so no started process is left unowned
                }
            }
            if (!failures.isEmpty()) throw new IllegalStateException("zones did not start", failures.getFirst());
        }
        for (String zone : zoneNames) {
            Await.until("mesh default at " + zone, Duration.ofSeconds(60), () -> Http.get(zoneUrl(zone) + "/meshes/default").status() == 200);
        }
    }

    /** Starts the global (again) on the same HTTP and KDS ports and waits until it is ready. */
    void startGlobal() throws IOException {
        startGlobal(0);
    }

    private void startGlobal(int replica) throws IOException {
        Map<String, String> props = new LinkedHashMap<>(globalProps);
        props.put("ursa.kds.port", Integer.toString(kdsPorts[replica]));
        globals[replica] = UrsaProcess.start(prefix + "-global" + (replica == 0 ? "" : "-" + replica), "global-cp", globalHttp[replica], props);
    }

    /** SIGKILL of the global. */
    void killGlobal() throws InterruptedException {
        globals[0].kill();
    }

    UrsaProcess global() {
        return globals[0];
    }

    UrsaProcess global(int replica) {
        return globals[replica];
    }

    String globalUrl() {
        return globalUrl(0);
    }

    String globalUrl(int replica) {
        return "http://127.0.0.1:" + globalHttp[replica];
    }

    int replicas() {
        return globals.length;
    }

    /** The KDS port of global replica {@code replica}. */
    int kdsPort(int replica) {
        return kdsPorts[replica];
    }

    /** The proxy every zone dials the global replicas through ({@link #behindLoadBalancer}). */
    FaultProxy loadBalancer() {
        if (sharedProxy == null) throw new IllegalStateException("each zone has a proxy of its own: kds(zone)");
        return sharedProxy;
    }

    List<String> zoneNames() {
        return List.copyOf(zones.keySet());
    }

    UrsaProcess zone(String zone) {
        return zones.get(zone);
    }

    String zoneUrl(String zone) {
        return zones.get(zone).baseUrl();
    }

    int xdsPort(String zone) {
        return xdsPorts.get(zone);
    }

    /** Starts {@code zone}'s ingress gateway (its own ingress token, dialling the zone CP directly); returns once it is ready. */
    void startIngress(String zone) throws Exception {
        int[] ports = distinctFreePorts(2);
        ingressPorts.put(zone, ports[0]);
        ingresses.put(zone, CrossZone.startIngress(prefix + "-ingress-" + zone, zone,
                XdsTokens.ingressTokenFile(zoneUrl(zone), prefix + "-ingress-" + zone), xdsPort(zone), ports[0], ports[1]));
    }

    String ingressUrl(String zone) {
        return ingresses.get(zone).baseUrl();
    }

    /** The port {@code zone}'s ingress listens on and advertises (on 127.0.0.1). */
    int ingressPort(String zone) {
        return ingressPorts.get(zone);
    }

    /** The fault proxy between {@code zone} and the global's KDS port. */
    FaultProxy kds(String zone) {
        return kdsProxies.get(zone);
    }

    /** {@code n} distinct free ports: every socket is held open until all are chosen. */
    static int[] distinctFreePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) s.close();
        }
    }

    @Override
    public void close() throws Exception {
        for (UrsaProcess i : ingresses.values()) i.close();
        for (UrsaProcess z : zones.values()) z.close();
        for (UrsaProcess g : globals) if (g != null) g.close();
        for (FaultProxy p : kdsProxies.values()) p.close();
        if (sharedProxy != null) sharedProxy.close();
    }
}
