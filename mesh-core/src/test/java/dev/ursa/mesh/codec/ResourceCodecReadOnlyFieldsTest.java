package dev.ursa.mesh.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The computed top-level fields a GET returns (Ursa's times and version, Kuma 2.14's {@code kri}) are ignored on decode,
 * for types whose fields sit beside the meta (Mesh, Dataplane) and for policies (under {@code spec}); every other unknown
 * top-level field is still refused by name.
 */
class ResourceCodecReadOnlyFieldsTest {
    private static final String KUMA_META = """
            creationTime: "2018-07-17T16:05:36.995Z"
            modificationTime: "2019-07-17T16:05:36.995Z"
            kri: %s
            version: "7"
            """;
    private static final String MESH = """
            type: Mesh
            name: default
            mtls:
              enabledBackend: ca-1
              backends:
              - name: ca-1
                type: builtin
            """;
    private static final String DATAPLANE = """
            type: Dataplane
            mesh: default
            name: dp-1
            networking:
              address: 10.1.2.1
              inbound:
              - port: 1234
                tags:
                  kuma.io/service: my-svc
            """;
    private static final String TIMEOUT = """
            type: MeshTimeout
            mesh: default
            name: t1
            labels:
              team: payments
            spec:
              targetRef: {kind: Mesh}
              to:
              - targetRef: {kind: Mesh}
                default: {idleTimeout: 10s}
            """;

    @Test
    void theReadOnlyFieldsAreExactlyTheComputedOnes() {
        assertThat(ResourceCodec.READ_ONLY_FIELDS).containsExactlyInAnyOrder("creationTime", "modificationTime", "version", "kri", "warnings");
    }

    @Test
    void kumasGetShapesDecodeAsTheDocumentWithoutThem() {
        for (String[] doc : new String[][]{{MESH, "kri_m____default_"}, {DATAPLANE, "kri_dp_default___dp-1_"}, {TIMEOUT, "kri_mt_default___t1_"}}) {
            Resource plain = decode(doc[0], Format.YAML);
            Resource asKumaReturnsIt = decode(doc[0] + KUMA_META.formatted(doc[1]), Format.YAML);
            assertThat(asKumaReturnsIt).isEqualTo(plain);
            JsonNode encoded = ResourceCodec.encode(asKumaReturnsIt);
            assertThat(encoded.has("kri")).isFalse();
            assertThat(encoded.has("creationTime")).as("a decoded resource has no times until stored").isFalse();
        }
    }

    @Test
    void jsonAsKumactlSendsIt() {
        String kumactl = "{\"type\":\"MeshTimeout\",\"mesh\":\"default\",\"name\":\"t1\",\"creationTime\":\"0001-01-01T00:00:00Z\","
                + "\"modificationTime\":\"0001-01-01T00:00:00Z\",\"labels\":{\"team\":\"payments\"},\"kri\":\"kri_mt_default___t1_\","
                + "\"spec\":{\"targetRef\":{\"kind\":\"Mesh\"},\"to\":[{\"targetRef\":{\"kind\":\"Mesh\"},\"default\":{\"idleTimeout\":\"10s\"}}]}}";
        assertThat(decode(kumactl, Format.JSON)).isEqualTo(decode(TIMEOUT, Format.YAML));
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "snis", "KRI", "kris", "creationtime", "versions"})
    void otherUnknownTopLevelFieldsAreRefusedByName(String field) {
        for (String doc : List.of(MESH, DATAPLANE, TIMEOUT)) {
            assertThatThrownBy(() -> decode(doc + field + ": {}\n", Format.YAML))
                    .isInstanceOfSatisfying(ValidationException.class, e ->
                            assertThat(e.violations()).containsExactly(new Violation(field, "unknown field \"" + field + "\"")));
        }
    }

    private static Resource decode(String doc, Format format) {
        return ResourceCodec.decode(ResourceCodec.parse(doc.getBytes(StandardCharsets.UTF_8), format));
    }
}
