package dev.ursa.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A global-cp started from its fast-jar with {@code java -jar} on a given store, exactly as a user runs it. */
public final class GlobalCp implements AutoCloseable {
    private final CpProcess process;

    private GlobalCp(CpProcess process) {
        this.process = process;
    }

    /** Starts the process and returns once {@code /q/health/ready} answers 200; {@link #startup()} is that wait. */
    public static GlobalCp start(Path jar, StoreSetup store, Path logDir, String label) throws IOException, InterruptedException {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.http.port", String.valueOf(CpProcess.freePort()));
        // The KDS gRPC port must not collide with another global-cp on this machine.
        props.put("quarkus.grpc.server.port", String.valueOf(CpProcess.freePort()));
        props.putAll(store.props());
        return new GlobalCp(CpProcess.start(jar, props, List.of(), logDir, label));
    }

    public URI baseUri() {
        return process.baseUri();
    }

    public Duration startup() {
        return process.startup();
    }

    /** CPU time the server process has used so far (user + system), from the OS. */
    public Duration cpuTime() {
        return process.cpuTime();
    }

    /** Quarkus's own "started in N.NNNs" figure (JVM start excluded), when the log has it. */
    public Optional<Double> quarkusReportedSeconds() {
        return process.quarkusReportedSeconds();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
