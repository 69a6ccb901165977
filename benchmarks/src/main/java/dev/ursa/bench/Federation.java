package dev.ursa.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real federation on this machine: one global-cp and zone-cps started from their fast-jars, each zone with a zone
 * token from {@code POST /tokens/zone} and its own free HTTP, xDS and (global) KDS ports, all on the in-memory store.
 * KDS runs with the secure defaults, as users run it: TLS verified with the CA the global serves at
 * {@code GET /kds/ca.pem}, zone tokens in files readable by this user only.
 */
public final class Federation implements AutoCloseable {
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

    /**
     * A running zone CP: its process, its xDS port, the data dir it was started with (null = none), and the dataplane
     * token its clients present (minted at the zone; null when it runs with {@code ursa.xds.auth=none}).
     */
    public record Zone(String name, CpProcess cp, int xdsPort, Path dataDir, String dataplaneToken) {
        public String xdsAddress() {
            return "127.0.0.1:" + xdsPort;
        }
    }

    private final Path globalJar;
    private final Path zoneJar;
    private final Path logDir;
    private final String label;
    private final CpProcess global;
    private final int kdsPort;
    private Path caFile;
    private final List<Zone> zones = new ArrayList<>();
    private boolean dataplaneTokens = true;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Federation(Path globalJar, Path zoneJar, Path logDir, String label, CpProcess global, int kdsPort) {
        this.globalJar = globalJar;
        this.zoneJar = zoneJar;
        this.logDir = logDir;
        this.label = label;
        this.global = global;
        this.kdsPort = kdsPort;
    }

    /** Starts the global with the given KDS batch window ({@code ursa.kds.batch-window}). */
    public static Federation startGlobal(Path globalJar, Path zoneJar, Path logDir, String label, Duration batchWindow)
            throws IOException, InterruptedException {
        int kds = CpProcess.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.http.port", String.valueOf(CpProcess.freePort()));
        props.put("quarkus.grpc.server.port", String.valueOf(kds));
        props.put("ursa.kds.port", String.valueOf(kds));
        props.put("ursa.kds.batch-window", batchWindow.toMillis() + "ms");
        props.put("ursa.store.type", "memory");
        CpProcess global = CpProcess.start(globalJar, props, List.of(), logDir, label + "-global");
        return new Federation(globalJar, zoneJar, logDir, label, global, kds);
    }

    public CpProcess global() {
        return global;
    }

    public int kdsPort() {
        return kdsPort;
    }

    public List<Zone> zones() {
        return List.copyOf(zones);
    }

    /** The global's KDS CA ({@code GET /kds/ca.pem}) in a file of the log directory, fetched once. */
    public synchronized Path caFile() throws IOException, InterruptedException {
        if (caFile == null) {
            HttpResponse<String> r = get(global.baseUri(), "/kds/ca.pem");
            if (r.statusCode() != 200) throw new IllegalStateException("GET /kds/ca.pem answered " + r.statusCode() + ": " + r.body());
            caFile = Files.writeString(logDir.resolve(label + "-kds-ca.pem"), r.body());
        }
        return caFile;
    }

    /** A zone token for {@code zone} in a new file only this user can read (never on a command line). */
    private Path tokenFile(String zone, String logLabel) throws IOException, InterruptedException {
        Path file = logDir.resolve(label + "-" + logLabel + ".token");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, zoneToken(zone));
    }

    /**
     * Whether zones started from now on authenticate their xDS clients with dataplane tokens (the default) or run with
     * {@code ursa.xds.auth=none}: the switch that compares the cost of token verification.
     */
    public Federation dataplaneTokens(boolean on) {
        this.dataplaneTokens = on;
        return this;
    }

    /** Issues a zone token at the global (the JWT as text). */
    public String zoneToken(String zone) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(global.baseUri().resolve("/tokens/zone"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"zone\":\"" + zone + "\",\"validFor\":\"24h\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("POST /tokens/zone answered " + r.statusCode() + ": " + r.body());
        return r.body().trim();
    }

    /** Starts a zone CP federated with the global and adds it to {@link #zones()}; returns once it is ready. */
    public Zone startZone(String name, Path dataDir, String logLabel) throws IOException, InterruptedException {
        return startZone(name, dataDir, logLabel, kdsPort, Map.of());
    }

    /**
     * As {@link #startZone(String, Path, String)}, dialling KDS at {@code 127.0.0.1:kdsDialPort} (e.g. a
     * {@link CountingProxy} in front of the global) with {@code extraProps} added to its system properties.
     */
    public Zone startZone(String name, Path dataDir, String logLabel, int kdsDialPort, Map<String, String> extraProps)
            throws IOException, InterruptedException {
        int xds = CpProcess.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.http.port", String.valueOf(CpProcess.freePort()));
        props.put("quarkus.grpc.server.port", String.valueOf(xds));
        props.put("ursa.zone.name", name);
        props.put("ursa.zone.global-address", "grpcs://127.0.0.1:" + kdsDialPort);
        props.put("ursa.zone.kds.ca-file", caFile().toString());
        props.put("ursa.zone.token-file", tokenFile(name, logLabel).toString());
        if (dataDir != null) props.put("ursa.zone.data-dir", dataDir.toString());
        // The simulated clients have no Dataplane of their own: they get a client-only view (with a token when on).
        props.put("ursa.xds.allow-unregistered-clients", "true");
        if (!dataplaneTokens) props.put("ursa.xds.auth", "none");
        props.putAll(extraProps);
        CpProcess cp = CpProcess.start(zoneJar, props, List.of(), logDir, label + "-" + logLabel);
        Zone zone = new Zone(name, cp, xds, dataDir, dataplaneTokens ? dataplaneToken(cp.baseUri()) : null);
        zones.add(zone);
        return zone;
    }

    /** A dataplane token of mesh default minted at the zone CP (every client of the zone presents it). */
    private String dataplaneToken(URI zone) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(zone.resolve("/tokens/dataplane"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"mesh\":\"default\",\"validFor\":\"24h\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("POST /tokens/dataplane answered " + r.statusCode() + ": " + r.body());
        return r.body().trim();
    }

    public void stopZone(Zone zone) throws InterruptedException {
        zones.remove(zone);
        zone.cp().close();
    }

    /** PUT of a YAML document; fails unless 200 or 201. */
    public void put(URI base, String path, String yaml) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IllegalStateException("PUT " + base.resolve(path) + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    public HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until {@code GET path} on {@code base} answers 200 and its body contains {@code text}. */
    public Duration awaitBody(URI base, String path, String text) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + SYNC_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> r = get(base, path);
            if (r.statusCode() == 200 && r.body().contains(text)) return Duration.ofNanos(System.nanoTime() - t0);
            Thread.sleep(20); // polling interval of a condition with a deadline
        }
        throw new IllegalStateException(base.resolve(path) + " did not show " + text + " within " + SYNC_TIMEOUT);
    }

    @Override
    public void close() throws InterruptedException {
        for (Zone z : List.copyOf(zones)) stopZone(z);
        global.close();
    }
}
