package dev.ursa.mesh.validation;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FieldPathTest {
    @Test
    void fieldsIndexesAndKeys() {
        assertThat(FieldPath.of("spec").field("to").index(0).field("default").field("_port").value()).isEqualTo("spec.to[0].default._port");
        assertThat(FieldPath.of("networking").field("inbound").index(1).field("tags").key("kuma.io/service").value())
                .isEqualTo("networking.inbound[1].tags[\"kuma.io/service\"]");
    }

    /** Found by AcceptedResourcesRenderPropertyTest: an unknown field "" was reported at "spec.from[0]." (and "" at the top). */
    @Test
    void aNameThatIsNoPathSegmentIsWrittenAsAKey() {
        assertThat(FieldPath.of("spec").field("from").index(0).field("").value()).isEqualTo("spec.from[0][\"\"]");
        assertThat(FieldPath.of("spec").field("a.b").value()).isEqualTo("spec[\"a.b\"]");
        assertThat(FieldPath.of("").value()).isEqualTo("[\"\"]");
        assertThat(FieldPath.of("x y").value()).isEqualTo("[\"x y\"]");
    }

    @Test
    void unknownFieldsWithOddNamesAreReportedWhereTheyAre() {
        ValidationException nested = catchThrowableOfType(ValidationException.class, () -> decode("""
                {"type": "MeshTimeout", "mesh": "default", "name": "t",
                 "spec": {"from": [{"targetRef": {"kind": "Mesh"}, "": {"idleTimeout": "1s"}}]}}"""));
        assertThat(nested.violations()).containsExactly(new Violation("spec.from[0][\"\"]", "unknown field \"\""));
        ValidationException top = catchThrowableOfType(ValidationException.class, () -> decode("""
                {"type": "MeshTimeout", "mesh": "default", "name": "t", "": 1, "spec": {}}"""));
        assertThat(top.violations()).containsExactly(new Violation("[\"\"]", "unknown field \"\""));
    }

    private static void decode(String json) {
        ResourceCodec.decode(ResourceCodec.parse(json.getBytes(UTF_8), Format.JSON));
    }
}
