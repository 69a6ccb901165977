package dev.ursa.mesh.docs;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.meshpassthrough.MeshPassthroughValidator;
import dev.ursa.mesh.validation.Violation;
import dev.ursa.mesh.policy.meshmetric.MeshMetricValidator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** Every policy shown in docs/policies.md is valid, so the docs never teach a document Ursa refuses; every policy type has one. */
class PolicyDocsTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyYamlExampleInPoliciesDocIsValid() throws IOException {
        Path doc = repoRoot().resolve("docs/policies.md");
        Matcher m = YAML_BLOCK.matcher(Files.readString(doc, UTF_8));
        List<String> types = new ArrayList<>();
        while (m.find()) {
            Resource r = ResourceCodec.decode(ResourceCodec.parse(m.group(1).getBytes(UTF_8), Format.YAML));
            var result = ResourceValidation.check(r);
            assertThat(result.list()).as("%s/%s in docs/policies.md", r.type(), r.meta().name()).isEmpty();
            // A type that has no effect yet warns on every document (MeshPassthrough, MeshMetric): its example carries only that warning.
            List<Violation> expectedWarnings = r.type().name().equals("MeshPassthrough")
                    ? List.of(new Violation("spec.default", MeshPassthroughValidator.NOT_APPLIED)) : List.of();
            assertThat(result.warnings()).filteredOn(w -> !w.message().equals(MeshMetricValidator.NOT_APPLIED))
                    .as("%s/%s in docs/policies.md", r.type(), r.meta().name()).isEqualTo(expectedWarnings);
            types.add(r.type().name());
        }
        assertThat(types).as("one example per registered policy type")
                .containsExactlyInAnyOrderElementsOf(ResourceTypes.policyTypes().stream().map(PolicyType::name).toList());
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("mesh-core"))) return p;
        }
        throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }
}
