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
 * restarted on the same ports. A zone's ingress gateway process starts on demand. Zone CPs accept xDS clients without a Dataplane (the scenarios' watchers), and reconnect
 * with a 1 s backoff cap, which no scenario measures.
 */
final class ChaosFederation implements AutoCloseable {
    private final String prefix;
    private final Map<String, String> globalProps;
    private final int globalHttp;
    private final int kdsPort;
    private volatile UrsaProcess global;
    private final Map<String, FaultProxy> kdsProxies = new LinkedHashMap<>();
    private final Map<String, UrsaProcess> zones = new LinkedHashMap<>();
    private final Map<String, Integer> xdsPorts = new LinkedHashMap<>();
    private final Map<String, UrsaProcess> ingresses = new LinkedHashMap<>();
    private final Map<String, Integer> ingressPorts = new LinkedHashMap<>();

    private ChaosFederation(String prefix, Map<String, String> globalProps, int globalHttp, int kdsPort) {
        this.prefix = prefix;
        this.globalProps = globalProps;
        this.globalHttp = globalHttp;
        this.kdsPort = kdsPort;
    }

    /**
     * Starts the global with {@code globalStore} (empty: its memory store), mesh default, then every zone at once with
     * {@code zoneStore.apply(zone)} (empty: memory store with a data directory); returns when mesh default is in every zone.
     */
    static ChaosFederation start(String prefix, List<String> zoneNames, Map<String, String> globalStore,
                                 Function<String, Map<String, String>> zoneStore) throws Exception {
        int[] ports = distinctFreePorts(2 + zoneNames.size());
        Map<String, String> props = new LinkedHashMap<>(globalStore);
        props.put("ursa.kds.port", Integer.toString(ports[1]));
        ChaosFederation f = new ChaosFederation(prefix, props, ports[0], ports[1]);
        try {
            f.startGlobal();
            Http.Reply mesh = Http.putYaml(f.globalUrl() + "/meshes/default", "type: Mesh\nname: default\n", null);
            if (mesh.status() / 100 != 2) throw new IllegalStateException("mesh default: " + mesh);
            f.startZones(zoneNames, zoneStore, ports);
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    private void startZones(List<String> zoneNames, Function<String, Map<String, String>> zoneStore, int[] ports) throws Exception {
        Path ca = ZoneKds.caFile(globalUrl());
        Path dataDirs = Files.createDirectories(UrsaProcess.repoRoot().resolve("integration-tests/target/it-logs/chaos-" + prefix + "-" + System.nanoTime()));
        Map<String, Map<String, String>> zoneProps = new LinkedHashMap<>();
        for (int i = 0; i < zoneNames.size(); i++) {
            String zone = zoneNames.get(i);
            FaultProxy proxy = new FaultProxy(kdsPort);
            kdsProxies.put(zone, proxy);
            xdsPorts.put(zone, ports[2 + i]);
            Map<String, String> props = new LinkedHashMap<>(ZoneKds.props(zone, proxy.port(), ca, ZoneKds.tokenFile(ZoneKds.mint(globalUrl(), zone, "24h"))));
            props.put("ursa.zone.kds.backoff-max", "1s");
            props.put("ursa.xds.allow-unregistered-clients", "true");
            props.put("quarkus.grpc.server.port", Integer.toString(ports[2 + i]));
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
        global = UrsaProcess.start(prefix + "-global", "global-cp", globalHttp, globalProps);
    }

    /** SIGKILL of the global. */
    void killGlobal() throws InterruptedException {
        global.kill();
    }

    UrsaProcess global() {
        return global;
    }

    String globalUrl() {
        return "http://127.0.0.1:" + globalHttp;
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
        if (global != null) global.close();
        for (FaultProxy p : kdsProxies.values()) p.close();
    }
}
