package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.testsupport.Await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ursa-agent as a real process next to a proxyless workload of a test: its dataplane token and Dataplane in files, its
 * certificate files and xDS bootstrap in a directory of its own, its health endpoint on a free port.
 */
final class AgentProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final String nodeId;
    final Path dir;
    final int healthPort;
    private final Process process;
    private final Path log;

    private AgentProcess(String nodeId, Path dir, int healthPort, Process process, Path log) {
        this.nodeId = nodeId;
        this.dir = dir;
        this.healthPort = healthPort;
        this.process = process;
        this.log = log;
    }

    /** Starts the agent for {@code nodeId} against the zone's xDS port and waits until its first certificate is written. */
    static AgentProcess start(String nodeId, int xdsPort, String token, String dataplaneYaml, Duration trustPoll) throws Exception {
        Path jar = UrsaProcess.repoRoot().resolve("dataplane-agent/target/ursa-agent.jar");
        if (!Files.exists(jar)) throw new IllegalStateException(jar + " is missing: build with `./mvnw verify` from the repo root");
        Path base = Files.createDirectories(UrsaProcess.repoRoot().resolve("integration-tests/target/it-logs/agents"));
        Path dir = Files.createDirectories(base.resolve(nodeId + "-" + System.nanoTime()));
        Path tokenFile = Files.createFile(dir.resolve("token"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, token);
        Path dataplane = Files.writeString(dir.resolve("dataplane.yaml"), dataplaneYaml);
        Path files = Files.createDirectories(dir.resolve("files"));
        int health = UrsaProcess.freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-jar", jar.toString(), "run", "--cp", "127.0.0.1:" + xdsPort, "--token-file", tokenFile.toString(),
                "--node-id", nodeId, "--dataplane-file", dataplane.toString(), "--dir", files.toString(),
                "--health", "127.0.0.1:" + health, "--trust-poll", trustPoll.toSeconds() + "s"));
        Path log = dir.resolve("agent.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AgentProcess agent = new AgentProcess(nodeId, files, health, p, log);
        try {
            Await.until("ursa-agent of " + nodeId + " ready", Duration.ofSeconds(60), () -> agent.health().path("ready").asBoolean(false));
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw new IllegalStateException(e.getMessage() + "; agent log:\n" + Files.readString(log), e);
        }
        return agent;
    }

    /** {@code GET /health}; an empty object while it does not answer. */
    JsonNode health() {
        try {
            return JSON.readTree(Http.get("http://127.0.0.1:" + healthPort + "/health").body());
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode();
        }
    }

    /** The bootstrap it wrote, as grpc-xds takes a parsed one (per-resolver and per-server overrides in one JVM). */
    @SuppressWarnings("unchecked")
    Map<String, ?> bootstrap() throws IOException {
        return JSON.readValue(dir.resolve("bootstrap.json").toFile(), Map.class);
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
