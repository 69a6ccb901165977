package dev.ursa.mesh.resources;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class SecretSpecTest {
    private static List<Violation> violations(String yaml) {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML));
        return ResourceValidation.check(r).list();
    }

    @Test
    void dataIsRequiredAndBase64AsKumaReadsBytes() {
        assertThat(violations("type: Secret\nmesh: default\nname: s\ndata: c2VjcmV0\n")).isEmpty();
        assertThat(violations("type: Secret\nmesh: default\nname: s\ndata: c2VjcmV0MQ\n")).as("unpadded").isEmpty();
        assertThat(violations("type: Secret\nmesh: default\nname: s\ndata: _-8\n")).as("URL-safe").isEmpty();
        assertThat(violations("type: Secret\nmesh: default\nname: s\n")).containsExactly(new Violation("data", "cannot be empty"));
        assertThat(violations("type: Secret\nmesh: default\nname: s\ndata: 'not base64!'\n")).containsExactly(new Violation("data", "must be valid base64"));
        assertThat(violations("type: Secret\nname: s\ndata: c2VjcmV0\n")).containsExactly(new Violation("mesh", "must be defined"));
        assertThat(new SecretSpec("c2VjcmV0").bytes()).isEqualTo("secret".getBytes(UTF_8));
    }

    @Test
    void neverShownByToString() {
        SecretSpec spec = new SecretSpec("c2VjcmV0");
        assertThat(spec.toString()).doesNotContain("c2VjcmV0").contains("***");
        Resource r = ResourceCodec.decode(ResourceCodec.parse("type: Secret\nmesh: default\nname: s\ndata: c2VjcmV0\n".getBytes(UTF_8), Format.YAML));
        assertThat(r.toString()).doesNotContain("c2VjcmV0");
        assertThat(spec.redacted().data()).isEqualTo("***");
    }

    @Test
    void sensitiveTypesAreSyncedButNeverExported() {
        assertThat(ResourceTypes.SECRET.sensitive()).isTrue();
        assertThat(ResourceTypes.isPublic("Secret")).as("listed, REST, KDS").isTrue();
        assertThat(ResourceTypes.isExportable("Secret")).isFalse();
        assertThat(ResourceTypes.isExportable("GlobalSecret")).isFalse();
        assertThat(ResourceTypes.isExportable("NoSuchType")).isFalse();
        for (ResourceType t : ResourceTypes.all()) {
            assertThat(ResourceTypes.isExportable(t.name())).as(t.name()).isEqualTo(t != ResourceTypes.SECRET);
        }
    }
}
