package dev.ursa.testsupport;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class XdsBootstrapTest {
    @Test
    void theJsonTextIsTheMapGrpcXdsReads() {
        assertThat(XdsBootstrap.json(XdsBootstrap.withToken("127.0.0.1:5678", "default.web-1", "eyJh.eyJi.c2ln"))).isEqualTo("{"
                + "\"node\": {\"id\": \"default.web-1\", \"metadata\": {\"dataplane.token\": \"eyJh.eyJi.c2ln\"}}, "
                + "\"xds_servers\": [{\"channel_creds\": [{\"type\": \"insecure\"}], \"server_features\": [\"xds_v3\"], "
                + "\"server_uri\": \"127.0.0.1:5678\"}]}");
        assertThat(XdsBootstrap.map("127.0.0.1:5678", "default.web-1", Map.of())).containsOnlyKeys("node", "xds_servers");
        assertThat(XdsBootstrap.json(XdsBootstrap.map("h:1", "m.n", Map.of("k", "a\"b")))).contains("\"metadata\": {\"k\": \"a\\\"b\"}");
    }

    @Test
    void installSetsTheProperty() {
        String before = System.getProperty(XdsBootstrap.PROPERTY);
        try {
            XdsBootstrap.install(XdsBootstrap.withToken("localhost:1", "m.n", "t"));
            assertThat(System.getProperty(XdsBootstrap.PROPERTY)).isEqualTo(XdsBootstrap.json(XdsBootstrap.withToken("localhost:1", "m.n", "t")));
        } finally {
            if (before == null) System.clearProperty(XdsBootstrap.PROPERTY);
            else System.setProperty(XdsBootstrap.PROPERTY, before);
        }
    }
}
