package dev.ursa.it.launcher;

import dev.ursa.it.UrsaProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/run-local.sh} as a user runs it (SKIP_BUILD=1: the reactor packaged the apps), on free ports so it never
 * meets a developer's running copy. Its output is collected line by line.
 */
final class LocalLauncher implements AutoCloseable {
    static final String READY_LINE = "Press Ctrl-C to stop.";
    private static final List<String> PORT_VARS = List.of("GLOBAL_HTTP_PORT", "GLOBAL_KDS_PORT", "ZONE1_HTTP_PORT", "ZONE1_XDS_PORT",
            "ZONE2_HTTP_PORT", "ZONE2_XDS_PORT", "INGRESS1_PORT", "INGRESS1_HTTP_PORT", "INGRESS2_PORT", "INGRESS2_HTTP_PORT",
            "GLOBAL_DIAGNOSTICS_PORT", "ZONE1_DIAGNOSTICS_PORT", "ZONE2_DIAGNOSTICS_PORT",
            "DEMO1_ECHO_PORT", "DEMO2_HELLO_PORT", "DEMO2_ECHO_PORT", "AGENT1_HEALTH_PORT", "AGENT2_HEALTH_PORT");
    /** The script's default ports, as docs/quickstart.md shows them. */
    static final Map<String, Integer> DEFAULT_PORTS = Map.ofEntries(Map.entry("GLOBAL_HTTP_PORT", 5681), Map.entry("GLOBAL_KDS_PORT", 5685),
            Map.entry("ZONE1_HTTP_PORT", 5691), Map.entry("ZONE1_XDS_PORT", 5678), Map.entry("ZONE2_HTTP_PORT", 5692), Map.entry("ZONE2_XDS_PORT", 5679),
            Map.entry("INGRESS1_PORT", 10001), Map.entry("INGRESS1_HTTP_PORT", 9901), Map.entry("INGRESS2_PORT", 10002),
            Map.entry("INGRESS2_HTTP_PORT", 9902), Map.entry("GLOBAL_DIAGNOSTICS_PORT", 5680), Map.entry("ZONE1_DIAGNOSTICS_PORT", 5693),
            Map.entry("ZONE2_DIAGNOSTICS_PORT", 5694), Map.entry("DEMO1_ECHO_PORT", 20111), Map.entry("DEMO2_HELLO_PORT", 20121),
            Map.entry("DEMO2_ECHO_PORT", 20122), Map.entry("AGENT1_HEALTH_PORT", 9911), Map.entry("AGENT2_HEALTH_PORT", 9912));

    final Map<String, Integer> ports;
    final Path logDir;
    final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    /** Every descendant ever listed: once the script has exited, its leftovers are no longer its descendants. */
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();

    private LocalLauncher(Map<String, Integer> ports, Path logDir, Process process) {
        this.ports = ports;
        this.logDir = logDir;
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("run-local-output").start(this::collectOutput);
    }

    static LocalLauncher start() throws IOException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String var : PORT_VARS) ports.put(var, UrsaProcess.freePort());
        Path root = UrsaProcess.repoRoot();
        Path logDir = root.resolve("integration-tests/target/it-logs/run-local-" + System.nanoTime());
        // env --default-signal=INT: a JVM started from a shell's background job inherits SIGINT as ignored, and bash
        // cannot trap a signal ignored at its start. Ctrl-C must work here as in a terminal.
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT", "bash", "bin/run-local.sh")
                .directory(root.toFile()).redirectErrorStream(true);
        ports.forEach((var, port) -> pb.environment().put(var, Integer.toString(port)));
        pb.environment().put("SKIP_BUILD", "1");
        pb.environment().put("URSA_LOG_DIR", logDir.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return new LocalLauncher(ports, logDir, pb.start());
    }

    private void collectOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) output.append(line).append('\n');
        } catch (IOException e) {
            output.append("(output read failed: ").append(e).append(")\n");
        }
    }

    String output() {
        return output.toString();
    }

    int port(String var) {
        return ports.get(var);
    }

    /** The script's processes now (remembered for {@link #close()}). */
    List<ProcessHandle> descendants() {
        List<ProcessHandle> now = process.descendants().toList();
        seen.addAll(now);
        return now;
    }

    List<ProcessHandle> javaProcesses() {
        return descendants().stream().filter(p -> p.info().command().orElse("").endsWith("/java")).toList();
    }

    /** The pid of a process the script started, from its {@code ==> started <name> pid <pid> log <file>} line. */
    long startedPid(String name) {
        Matcher m = Pattern.compile("^==> started " + Pattern.quote(name) + " +pid (\\d+) ", Pattern.MULTILINE).matcher(output());
        if (!m.find()) throw new AssertionError("no '==> started " + name + "' line in:\n" + output());
        return Long.parseLong(m.group(1));
    }

    /** Waits for the banner the script prints once every process is ready; fails early if the script exits. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(READY_LINE)) {
            if (!process.isAlive()) throw new AssertionError("bin/run-local.sh exited with " + process.exitValue() + ":\n" + output());
            if (System.nanoTime() > deadline) throw new AssertionError("bin/run-local.sh not ready within " + timeout + ":\n" + output());
            Thread.sleep(100); // polling the collected output, not synchronisation between threads
        }
    }

    /** Ctrl-C: SIGINT to the script alone, as a terminal sends it (the script's children run in their own process groups). */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new IOException("kill -INT " + process.pid() + " failed");
    }

    /** Waits for the script to exit and returns its exit code; fails if it still runs after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("bin/run-local.sh still running after " + timeout + ":\n" + output());
        }
        reader.join(Duration.ofSeconds(5));
        return process.exitValue();
    }

    /** Safety net for a failed test: nothing may outlive the test class, whatever happened. */
    @Override
    public void close() throws InterruptedException {
        descendants();
        List<ProcessHandle> all = List.copyOf(seen);
        all.forEach(ProcessHandle::destroyForcibly); // a handle checks the start time: a reused pid is not hit
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle p : all) p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
    }
}
