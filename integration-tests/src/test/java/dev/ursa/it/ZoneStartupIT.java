package dev.ursa.it;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A zone CP whose xDS port is taken stops with a clear error instead of running on, unready and useless. */
class ZoneStartupIT {
    @Test
    void xdsPortInUseStopsTheZoneWithExitCode1AndSaysWhy() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> UrsaProcess.start("zone-port-in-use", "zone-cp",
                    Map.of("ursa.zone.name", "port-in-use", "quarkus.grpc.server.port", Integer.toString(port))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with 1")
                    .hasMessageContaining("the xDS server could not start on port " + port);
        }
    }

    @Test
    void aFreeXdsPortStartsTheZone() throws Exception {
        try (UrsaProcess zone = UrsaProcess.start("zone-port-free", "zone-cp", Map.of("ursa.zone.name", "port-free"))) {
            assertThat(zone.tail()).doesNotContain("could not start");
        }
    }
}
