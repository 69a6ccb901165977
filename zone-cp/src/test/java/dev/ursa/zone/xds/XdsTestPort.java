package dev.ursa.zone.xds;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Gives every zone-cp Quarkus test the same free gRPC port (chosen once per JVM). grpc-java xDS clients of the tests
 * connect as node {@value #NODE_ID} (mesh {@value #MESH}) with a bootstrap of their own that carries a dataplane token
 * ({@link XdsChannels}): each app boot has its own signing keys, so no JVM-wide bootstrap can hold a valid token.
 */
public class XdsTestPort implements QuarkusTestResourceLifecycleManager {
    public static final String MESH = "xds-test";
    public static final String NODE_ID = MESH + ".grpc-client";

    /** Chosen once per JVM (lazily, thread-safe by class initialisation). */
    private static final class Port {
        static final int VALUE = freePort();
    }

    public static int port() {
        return Port.VALUE;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.grpc.server.test-port", Integer.toString(port()));
    }

    @Override
    public void stop() {
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
