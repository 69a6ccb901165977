package dev.ursa.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code ursa-agent}: the command line (docs/agent.md). */
@Command(name = "ursa-agent", mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.FAILED, version = "ursa-agent 0.1.0",
        description = "Gives a proxyless gRPC workload its xDS bootstrap and mesh mTLS files, and keeps them fresh.",
        subcommands = {Agent.Run.class, CommandLine.HelpCommand.class})
public final class Agent implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code ({@link ExitCodes}). */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Agent());
        return commandLine.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return ExitCodes.USAGE;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.FAILED,
            description = "Writes <dir>/bootstrap.json, then keeps <dir>/current/{cert,key,ca}.pem fresh from the zone CP.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--cp", required = true, paramLabel = "HOST:PORT",
                description = "The zone CP's xDS address (plaintext gRPC), e.g. 127.0.0.1:5678.")
        String cp;

        @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "The dataplane token.")
        Path tokenFile;

        @Option(names = "--node-id", required = true, paramLabel = "MESH.NAME", description = "<mesh>.<dataplane name>.")
        String nodeId;

        @Option(names = "--dataplane-file", paramLabel = "FILE",
                description = "The workload's Dataplane (YAML or JSON), for a zone that does not store it yet.")
        Path dataplaneFile;

        @Option(names = "--dir", defaultValue = "ursa-agent", paramLabel = "DIR",
                description = "Where bootstrap.json and the certificate files go (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--health", defaultValue = "127.0.0.1:9902", paramLabel = "HOST:PORT|none",
                description = "The health endpoint's address, or none (default: ${DEFAULT-VALUE}).")
        String health;

        @Option(names = "--trust-poll", defaultValue = "10s", paramLabel = "DURATION",
                description = "How often to ask for the trust bundle and the issuing CA (default: ${DEFAULT-VALUE}).")
        String trustPoll;

        @Option(names = "--once", description = "Write the bootstrap and one certificate set, then exit.")
        boolean once;

        @Option(names = "--once-timeout", defaultValue = "60s", paramLabel = "DURATION",
                description = "With --once: give up (exit 1) after this long (default: ${DEFAULT-VALUE}).")
        String onceTimeout;

        @Override
        public Integer call() {
            AgentOptions options;
            HostPort healthAddress;
            Duration timeout;
            try {
                options = new AgentOptions(HostPort.parse(cp), readToken(tokenFile), nodeId,
                        dataplaneFile == null ? null : read(dataplaneFile, "--dataplane-file"), dir, Durations.parse(trustPoll));
                healthAddress = health.equals("none") ? null : HostPort.parse(health);
                timeout = Durations.parse(onceTimeout);
            } catch (IllegalArgumentException e) {
                Log.error(e.getMessage());
                return ExitCodes.USAGE;
            }
            return run(options, healthAddress, timeout);
        }

        private int run(AgentOptions options, HostPort healthAddress, Duration timeout) {
            CertificateAgent agent = new CertificateAgent(options);
            Thread stopOnSignal = new Thread(agent::close, "ursa-agent-stop");
            Runtime.getRuntime().addShutdownHook(stopOnSignal);
            HealthServer healthServer = null;
            try {
                if (healthAddress != null && !once) {
                    healthServer = HealthServer.start(healthAddress, agent::status, agent.clock());
                    Log.info("health on http://" + healthServer.address().getHostString() + ":"
                            + healthServer.address().getPort() + HealthServer.PATH);
                }
                if (once) agent.runOnce(timeout);
                else agent.run();
                return ExitCodes.OK;
            } catch (AgentException e) {
                Log.error(e.getMessage());
                return e.exitCode();
            } finally {
                if (healthServer != null) healthServer.close();
                agent.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnSignal);
                } catch (IllegalStateException e) {
                    // shutting down already (the hook stopped us)
                }
            }
        }

        private static String readToken(Path file) {
            String token = read(file, "--token-file").strip();
            if (token.isEmpty()) throw new IllegalArgumentException("the token file " + file + " is empty");
            return token;
        }

        private static String read(Path file, String option) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + option + " " + file + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        }
    }
}
