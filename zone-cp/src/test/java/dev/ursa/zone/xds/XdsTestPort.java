package dev.ursa.zone.xds;

import dev.ursa.testsupport.XdsBootstrap;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Gives every zone-cp Quarkus test the same free gRPC port, and points grpc-java's xDS bootstrap at it. grpc-java
 * reads its bootstrap once per JVM, so the port is chosen once per JVM and every xDS client test uses one node id:
 * {@value #NODE_ID} (mesh {@value #MESH}).
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
        XdsBootstrap.install("localhost:" + port(), NODE_ID);
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
