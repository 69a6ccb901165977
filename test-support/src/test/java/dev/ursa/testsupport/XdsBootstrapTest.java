package dev.ursa.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class XdsBootstrapTest {
    @Test
    void theJsonTextIsTheMapGrpcXdsReads() {
        assertThat(XdsBootstrap.json("127.0.0.1:5678", "default.web-1")).isEqualTo("{"
                + "\"node\": {\"id\": \"default.web-1\", \"metadata\": {}}, "
                + "\"xds_servers\": [{\"channel_creds\": [{\"type\": \"insecure\"}], \"server_features\": [\"xds_v3\"], "
                + "\"server_uri\": \"127.0.0.1:5678\"}]}");
        assertThat(XdsBootstrap.map("127.0.0.1:5678", "default.web-1")).containsOnlyKeys("node", "xds_servers");
    }

    @Test
    void installSetsTheProperty() {
        String before = System.getProperty(XdsBootstrap.PROPERTY);
        try {
            XdsBootstrap.install("localhost:1", "m.n");
            assertThat(System.getProperty(XdsBootstrap.PROPERTY)).isEqualTo(XdsBootstrap.json("localhost:1", "m.n"));
        } finally {
            if (before == null) System.clearProperty(XdsBootstrap.PROPERTY);
            else System.setProperty(XdsBootstrap.PROPERTY, before);
        }
    }
}
