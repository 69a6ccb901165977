package dev.ursa.zone.xds.plugins;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutSpec;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.PolicyPlugins;
import dev.ursa.zone.xds.view.ViewBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every policy type the mesh model registers ({@link ResourceTypes#policyTypes()}) has its zone parts: one plugin in
 * its folder {@code xds/plugins/<folder>/}, registered by its descriptor, and golden cases in that folder's testdata;
 * and the zone's lists of policy types (plugin order, the types views match) are the descriptors' order.
 */
class PolicyPluginsTest {
    static final String PLUGIN_PACKAGE = "dev.ursa.zone.xds.plugins";
    static final String INPUT = ".input.yaml";
    static final Path TESTDATA = Path.of("src/test/resources").resolve(PLUGIN_PACKAGE.replace('.', '/'));

    @Test
    void everyRegisteredPolicyTypeHasExactlyOnePluginInItsFolder() {
        List<PolicyPlugin> plugins = Plugins.builtIn().inOrder();
        assertThat(plugins).extracting(PolicyPlugin::descriptor).containsExactlyInAnyOrderElementsOf(ResourceTypes.policyTypes());
        for (PolicyPlugin p : plugins) {
            assertThat(p.getClass().getName()).as("plugin of %s", p.descriptor())
                    .isEqualTo(PLUGIN_PACKAGE + "." + p.descriptor().folder() + "." + p.descriptor().name() + "Plugin");
        }
    }

    @Test
    void everyPluginFolderBelongsToARegisteredPolicyType() throws IOException {
        Path main = Path.of("src/main/java").resolve(PLUGIN_PACKAGE.replace('.', '/'));
        List<String> folders;
        try (Stream<Path> dirs = Files.list(main)) {
            folders = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).toList();
        }
        assertThat(folders).containsExactlyInAnyOrderElementsOf(ResourceTypes.policyTypes().stream().map(PolicyType::folder).toList());
    }

    @Test
    void everyRegisteredPolicyTypeHasGoldenCasesInItsTestdata() throws IOException {
        for (PolicyType p : ResourceTypes.policyTypes()) {
            Path dir = TESTDATA.resolve(p.folder()).resolve("testdata");
            assertThat(dir).as("golden testdata of %s", p).isDirectory();
            List<String> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.map(f -> f.getFileName().toString()).toList();
            }
            List<String> cases = files.stream().filter(f -> f.endsWith(INPUT)).map(f -> f.substring(0, f.length() - INPUT.length())).toList();
            assertThat(cases).as("cases in %s", dir).isNotEmpty();
            for (String c : cases) {
                assertThat(files).as("golden files of %s/%s", dir, c).anyMatch(f -> f.startsWith(c + ".") && f.endsWith(".golden.json"));
            }
        }
    }

    @Test
    void pluginsRunAndViewsMatchInTheDescriptorsOrder() {
        List<PolicyType> order = ResourceTypes.registry().inPluginOrder();
        assertThat(Plugins.builtIn().descriptors()).containsExactlyElementsOf(order);
        assertThat(Plugins.all()).extracting(PolicyPlugin::descriptor).containsExactlyElementsOf(order);
        assertThat(ViewBuilder.POLICY_TYPES).containsExactlyElementsOf(order.stream().map(PolicyType::type).toList());
        assertThat(order.getFirst().name()).as("routes first: later plugins edit every route").isEqualTo("MeshHTTPRoute");
    }

    @Test
    void aRegistryTakesOnePluginPerTypeAndOrderAndExtendsACopy() {
        PolicyPlugin second = () -> ResourceTypes.policyTypes().getFirst(); // a second plugin for a type that has one
        assertThatThrownBy(() -> Plugins.builtIn().with(second)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(second.type().name());
        PolicyPlugins builtIn = Plugins.builtIn();
        assertThatThrownBy(() -> PolicyPlugins.of(List.of(second, second))).isInstanceOf(IllegalArgumentException.class);
        assertThat(builtIn.inOrder()).doesNotContain(second);

        PolicyType sameOrder = PolicyType.of("MeshOther", "meshothers", ResourceTypes.policyTypes().getFirst().order(), Owner.GLOBAL,
                MeshTimeoutSpec.class, SpecValidator.none());
        assertThatThrownBy(() -> builtIn.with(() -> sameOrder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("order " + sameOrder.order());
    }
}
