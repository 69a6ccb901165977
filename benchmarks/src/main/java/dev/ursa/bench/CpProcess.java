package dev.ursa.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Ursa app (global-cp or zone-cp) started from its fast-jar with {@code java -jar}, exactly as a user runs it, on
 * the HTTP port given in {@code quarkus.http.port}. {@link #start} returns once {@code /q/health/ready} answers 200.
 */
public final class CpProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** Fine enough for start-up times of a second or more, cheap enough not to slow the start it measures. */
    private static final Duration READY_POLL = Duration.ofMillis(10);
    private static final Pattern QUARKUS_STARTED = Pattern.compile("started in (\\d+\\.\\d+)s");

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final Duration startup;

    private CpProcess(Process process, int httpPort, Path log, Duration startup) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
        this.startup = startup;
    }

    /**
     * @param props system properties; must hold {@code quarkus.http.port}
     * @param jvmArgs extra JVM options (e.g. {@code -Xmx512m})
     */
    public static CpProcess start(Path jar, Map<String, String> props, List<String> jvmArgs, Path logDir, String label)
            throws IOException, InterruptedException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with "
                    + "`./mvnw -B -q -pl global-cp,zone-cp,benchmarks -am package -DskipTests` (or run benchmarks/run.sh)");
        }
        int port = Integer.parseInt(props.get("quarkus.http.port"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        // Several control planes per host: never the fixed diagnostics port 5680.
        if (!props.containsKey("ursa.diagnostics.port")) cmd.add("-Dursa.diagnostics.port=" + freePort());
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        Files.createDirectories(logDir);
        Path log = logDir.resolve(label + ".log");

        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = t0 + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(label + " exited with " + p.exitValue() + "; log " + log + ":\n" + tail(log));
            }
            try {
                if (probe.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new CpProcess(p, port, log, Duration.ofNanos(System.nanoTime() - t0));
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(READY_POLL); // a readiness probe's polling interval, not synchronisation
        }
        p.destroyForcibly();
        throw new IllegalStateException(label + " not ready within " + READY_TIMEOUT + "; log " + log + ":\n" + tail(log));
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public Duration startup() {
        return startup;
    }

    /** CPU time the process has used so far (user + system), from the OS. */
    public Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Quarkus's own "started in N.NNNs" figure (JVM start excluded), when the log has it. */
    public Optional<Double> quarkusReportedSeconds() {
        return firstMatch(QUARKUS_STARTED).map(Double::parseDouble);
    }

    /** Group 1 of the first log line matching {@code pattern}. */
    public Optional<String> firstMatch(Pattern pattern) {
        try {
            Matcher m = pattern.matcher(Files.readString(log));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
