package dev.ursa.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One control-plane process started from its built fast-jar, as a user would run it. */
public final class UrsaProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int httpPort;
    private final int diagnosticsPort;
    private final Process process;
    private final Path log;

    private UrsaProcess(String name, int httpPort, int diagnosticsPort, Process process, Path log) {
        this.name = name;
        this.httpPort = httpPort;
        this.diagnosticsPort = diagnosticsPort;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code app} ("global-cp", "zone-cp" or "ingress-gateway") with {@code props} as -D options and waits until it is ready. */
    public static UrsaProcess start(String name, String app, Map<String, String> props) throws IOException {
        return start(name, app, freePort(), props);
    }

    public static UrsaProcess start(String name, String app, int httpPort, Map<String, String> props) throws IOException {
        UrsaProcess up = launch(name, app, httpPort, props);
        try {
            up.awaitReady(Duration.ofSeconds(120)); // generous: a loaded 2-core machine starting several JVMs at once
        } catch (RuntimeException | IOException e) {
            up.process.destroyForcibly(); // never leave a process the caller does not own
            throw e;
        }
        return up;
    }

    /**
     * Starts {@code app} without waiting for it to be ready (e.g. a zone the global refuses never is); the caller owns the
     * process and closes it.
     */
    public static UrsaProcess launch(String name, String app, int httpPort, Map<String, String> props) throws IOException {
        Path jar = repoRoot().resolve(app).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build with `./mvnw verify` from the repo root (the reactor packages the apps before these tests)");
        }
        FreshBuild.check(repoRoot(), app);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-Dquarkus.http.port=" + httpPort);
        if (app.equals("global-cp") && !props.containsKey("ursa.kds.port")) {
            cmd.add("-Dursa.kds.port=" + freePort()); // several globals per host: never the fixed 5685
        }
        if (app.equals("zone-cp") && !props.containsKey("quarkus.grpc.server.port")) {
            cmd.add("-Dquarkus.grpc.server.port=" + freePort()); // several zones per host: never the fixed xDS port 5678
        }
        int diagnosticsPort = -1;
        if (!app.equals("ingress-gateway")) { // control planes: never the fixed diagnostics port 5680
            diagnosticsPort = props.containsKey("ursa.diagnostics.port") ? Integer.parseInt(props.get("ursa.diagnostics.port")) : freePort();
            if (!props.containsKey("ursa.diagnostics.port")) cmd.add("-Dursa.diagnostics.port=" + diagnosticsPort);
        }
        if (app.equals("ingress-gateway") && !props.containsKey("ursa.ingress.port")) {
            cmd.add("-Dursa.ingress.port=" + freePort()); // never the fixed 10001
        }
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        Path logDir = repoRoot().resolve("integration-tests/target/it-logs");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + "-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new UrsaProcess(name, httpPort, diagnosticsPort, p, log);
    }

    /** The body of {@code /q/health/ready} whatever its status (a not-ready zone says there why); empty while not listening. */
    public String readiness() throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        }
    }

    /** The whole log so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** A control plane's diagnostics port (health, metrics); -1 for an ingress. */
    public int diagnosticsPort() {
        return diagnosticsPort;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public String toString() {
        return name;
    }

    public void awaitReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                var r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(100); // polling interval of a readiness probe, not synchronisation between threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; log:\n" + tail());
    }

    /** SIGKILL: the process gets no chance to flush or clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    public static Path repoRoot() {
        String configured = System.getProperty("ursa.repo.root");
        Path p = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mesh-core"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        return p;
    }
}
