package dev.ursa.demo;

import io.grpc.internal.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxyless demo client presents its dataplane token in its xDS bootstrap's node metadata. */
class DemoClientBootstrapTest {
    @SuppressWarnings("unchecked")
    static Map<String, ?> nodeMetadata(String bootstrap) throws IOException {
        Map<String, ?> root = (Map<String, ?>) JsonParser.parse(bootstrap); // the parser grpc-xds reads its bootstrap with
        return (Map<String, ?>) ((Map<String, ?>) root.get("node")).get("metadata");
    }

    @Test
    void theTokenGoesIntoNodeMetadata() throws Exception {
        Map<String, ?> metadata = nodeMetadata(DemoClient.bootstrap("127.0.0.1:5678", "default.demo-client-1", "eyJh.eyJi.c2ln"));
        assertThat(metadata.get("dataplane.token")).isEqualTo("eyJh.eyJi.c2ln");
        assertThat(metadata.get("ursa.io/flavour")).isEqualTo("proxyless");
        assertThat(nodeMetadata(DemoClient.bootstrap("127.0.0.1:5678", "default.c", null))).doesNotContainKey("dataplane.token");
        assertThatThrownBy(() -> DemoClient.bootstrap("127.0.0.1:5678", "default.c", "\"}, \"x\": {")).hasMessageContaining("does not hold a token");
    }
}
