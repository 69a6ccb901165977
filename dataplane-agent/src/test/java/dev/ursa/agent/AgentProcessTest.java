package dev.ursa.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ursa-agent run} as its own JVM (this test's class path): exit codes, stderr, and kill -9 at any moment. */
class AgentProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private TestCp cp;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (cp != null) cp.close();
    }

    @Test
    void aBadTokenExits2NamingTheCauseWithoutPrintingTheToken() throws Exception {
        cp = TestCp.start("the-right-token");
        String badToken = "eyJhbGciOiJSUzI1NiJ9.bad-token-" + System.nanoTime();
        Path dir = tmp.resolve("agent");
        Process agent = start(dir, tokenFile(badToken), TestCp.NODE_ID);

        assertThat(agent.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the agent exits").isTrue();
        String stderr = stderr(dir);
        assertThat(agent.exitValue()).as("exit code; stderr:\n%s", stderr).isEqualTo(ExitCodes.REFUSED);
        assertThat(stderr).contains("ERROR", "UNAUTHENTICATED",
                "dataplane token rejected: its signature does not verify with the mesh's signing keys");
        assertThat(stderr).doesNotContain(badToken).doesNotContain("bad-token-");
        assertThat(errorLines(stderr)).as("one error line").hasSize(1);
    }

    @Test
    void aTokenForAnotherNodeExits2WithPermissionDenied() throws Exception {
        cp = TestCp.start("token-of-backend-1");
        Path dir = tmp.resolve("agent");
        Process agent = start(dir, tokenFile(cp.token), TestCp.MESH + ".someone-else");

        assertThat(agent.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String stderr = stderr(dir);
        assertThat(agent.exitValue()).as("stderr:\n%s", stderr).isEqualTo(ExitCodes.REFUSED);
        assertThat(stderr).contains("PERMISSION_DENIED", "the token does not allow node default.someone-else")
                .doesNotContain(cp.token);
    }

    @Test
    void onceWritesOneSetAndExits0() throws Exception {
        cp = TestCp.start("token");
        Path dir = tmp.resolve("agent");
        Process agent = start(dir, tokenFile(cp.token), TestCp.NODE_ID, "--once");

        assertThat(agent.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as("stderr:\n%s", stderr(dir)).isEqualTo(ExitCodes.OK);
        SetOnDisk set = SetOnDisk.read(dir);
        assertThat(set.keyMatchesCertificate()).isTrue();
        assertThat(set.leaf()).isEqualTo(cp.issued.get(0).certificate());
        assertThat(cp.okSigns()).isEqualTo(1);
        assertThat(stderr(dir)).doesNotContain(cp.token).doesNotContain("PRIVATE KEY");
    }

    @Test
    void aBadCommandLineExits64() throws Exception {
        assertThat(Agent.execute("run", "--cp", "127.0.0.1:5678", "--token-file", tmp.resolve("missing").toString(),
                "--node-id", "default.web", "--dir", tmp.toString(), "--once")).isEqualTo(ExitCodes.USAGE);
        assertThat(Agent.execute("run", "--cp", "nohost", "--token-file", tokenFile("t").toString(),
                "--node-id", "default.web", "--once")).isEqualTo(ExitCodes.USAGE);
        assertThat(Agent.execute("run", "--node-id", "x")).isEqualTo(ExitCodes.USAGE);
    }

    /**
     * Kills the agent (SIGKILL) a dozen times at varied moments, many of them just as a renewal's answer arrives, i.e.
     * while it writes a generation or swaps {@code current}: after every kill, {@code current} names a whole set whose
     * key matches its certificate, and bootstrap.json parses.
     */
    @Test
    void aKilledAgentAlwaysLeavesACompleteMatchingSet() throws Exception {
        cp = TestCp.start("token");
        cp.lifetime = Duration.ofSeconds(2); // whole seconds: 1-2 s, renewing every ~200-400 ms
        cp.renewFraction = 0.2;
        Path dir = tmp.resolve("agent");
        Path token = tokenFile(cp.token);
        boolean hadSet = false;
        int kills = 0;
        for (int round = 0; round < 14; round++) {
            long signsBefore = cp.okSigns();
            Process agent = start(dir, token, TestCp.NODE_ID, "--trust-poll", "50ms");
            int renewals = round % 4; // 0: while it starts up; n: just as the n-th certificate of this run arrives
            if (renewals > 0) {
                Await.until("certificate " + renewals + " of round " + round, WAIT, () -> cp.okSigns() >= signsBefore + renewals);
            }
            agent.destroyForcibly();
            assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
            kills++;

            if (Files.exists(dir.resolve(XdsBootstrap.FILE))) {
                JsonNode bootstrap = JSON.readTree(dir.resolve(XdsBootstrap.FILE).toFile());
                assertThat(bootstrap.at("/node/id").asText()).as("round %d: bootstrap.json", round).isEqualTo(TestCp.NODE_ID);
            }
            Path current = SetOnDisk.current(dir);
            if (Files.exists(current, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                SetOnDisk set = SetOnDisk.read(dir);
                assertThat(set.keyMatchesCertificate()).as("round %d: the key matches the certificate", round).isTrue();
                assertThat(set.signedByBundle()).as("round %d: ca.pem holds the certificate's CA", round).isTrue();
                assertThat(cp.issued.stream().map(TestCp.Issued::certificate)).contains(set.leaf());
                hadSet = true;
            } else {
                assertThat(hadSet).as("round %d: current vanished after a set was in place", round).isFalse();
            }
        }
        assertThat(kills).isGreaterThanOrEqualTo(10);
        assertThat(hadSet).isTrue();
        assertThat(cp.okSigns()).as("renewals happened while being killed").isGreaterThanOrEqualTo(15);
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.filter(p -> p.getFileName().toString().startsWith(CertificateDirectory.GENERATION_PREFIX)))
                    .as("leftover generations are cleaned up").hasSizeLessThanOrEqualTo(3);
        }
    }

    private Process start(Path dir, Path tokenFile, String nodeId, String... extra) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) command.add("--sun-misc-unsafe-memory-access=allow");
        command.addAll(List.of(Agent.class.getName(), "run", "--cp", cp.address().toString(),
                "--token-file", tokenFile.toString(), "--node-id", nodeId, "--dir", dir.toString(), "--health", "127.0.0.1:0"));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("stdout.txt").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderrFile(dir).toFile()))
                .start();
        processes.add(p);
        return p;
    }

    private Path stderrFile(Path dir) {
        return tmp.resolve(dir.getFileName() + ".stderr.txt");
    }

    private String stderr(Path dir) throws IOException {
        return Files.readString(stderrFile(dir), StandardCharsets.UTF_8);
    }

    private static List<String> errorLines(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("ursa-agent ") && l.contains(" ERROR ")).toList();
    }

    private Path tokenFile(String token) throws IOException {
        Path file = Files.createTempFile(tmp, "token", ".txt");
        Files.writeString(file, token + "\n");
        return file;
    }
}
