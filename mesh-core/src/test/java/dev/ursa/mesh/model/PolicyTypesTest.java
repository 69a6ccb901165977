package dev.ursa.mesh.model;

import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;
import dev.ursa.mesh.validation.SpecValidator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every policy type is declared once, with all its parts in its own package, and every list of policy types in this
 * module comes from that declaration. (The zone's plugins and golden testdata are checked in zone-cp, by
 * {@code PolicyPluginsTest}.)
 */
class PolicyTypesTest {
    static final String POLICY_PACKAGE = "dev.ursa.mesh.policy";
    /** Shared parts of every policy, not a policy type. */
    static final String COMMON = "common";

    @Test
    void everyPolicyFolderIsARegisteredTypeAndEveryRegisteredTypeHasAFolder() throws IOException {
        Path policies = Path.of("src/main/java").resolve(POLICY_PACKAGE.replace('.', '/'));
        List<String> folders;
        try (Stream<Path> dirs = Files.list(policies)) {
            folders = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(f -> !f.equals(COMMON)).toList();
        }
        assertThat(folders).as("policy folders under %s", policies).isNotEmpty();
        assertThat(ResourceTypes.policyTypes()).extracting(PolicyType::folder).containsExactlyInAnyOrderElementsOf(folders);
    }

    @Test
    void eachTypeHasItsSpecValidatorAndDescriptorInItsOwnPackage() throws Exception {
        for (PolicyType p : ResourceTypes.policyTypes()) {
            String pkg = POLICY_PACKAGE + "." + p.folder();
            assertThat(p.specClass().getName()).as("%s spec", p).isEqualTo(pkg + "." + p.name() + "Spec");
            assertThat(p.specClass().isRecord()).as("%s spec is a record", p).isTrue();
            assertThat(TargetRefPolicy.class).as("%s spec is a targetRef policy", p).isAssignableFrom(p.specClass());
            assertThat(p.validator().getClass().getName()).as("%s validator (not SpecValidator.none())", p)
                    .isEqualTo(pkg + "." + p.name() + "Validator");
            Field declared = Class.forName(pkg + "." + p.name() + "Policy").getField("TYPE");
            assertThat(Modifier.isStatic(declared.getModifiers()) && Modifier.isFinal(declared.getModifiers())).isTrue();
            assertThat(declared.get(null)).as("%s is registered by its own descriptor", p).isSameAs(p);
        }
    }

    @Test
    void theListsOfTypesAreDerivedFromTheDescriptors() {
        List<ResourceType> declared = ResourceTypes.policyTypes().stream().map(PolicyType::type).toList();
        assertThat(ResourceTypes.policies()).containsExactlyElementsOf(declared);
        assertThat(ResourceTypes.all()).containsSubsequence(declared);
        assertThat(ResourceTypes.all().stream().filter(ResourceType::policy).toList()).containsExactlyElementsOf(declared);
        for (PolicyType p : ResourceTypes.policyTypes()) {
            assertThat(ResourceTypes.byName(p.name())).contains(p.type());
            assertThat(ResourceTypes.byPlural(p.type().plural())).contains(p.type());
            assertThat(ResourceTypes.meshScoped()).contains(p.type());
            assertThat(ResourceTypes.isPublic(p.name())).isTrue();
        }
        assertThat(ResourceTypes.registry().inPluginOrder()).extracting(PolicyType::order).isSorted().doesNotHaveDuplicates()
                .hasSameSizeAs(declared);
    }

    @Test
    void aTestsOwnTypeExtendsACopyAndLeavesThisBuildsRegistryAsItWas() {
        PolicyType extra = PolicyType.of("MeshExtra", "meshextras", 150, Owner.GLOBAL, Extra.class, SpecValidator.none());
        TypeRegistry extended = ResourceTypes.registry().withPolicy(extra);

        assertThat(extended.byName("MeshExtra")).contains(extra.type());
        assertThat(extended.byPlural("meshextras")).contains(extra.type());
        assertThat(extended.policyTypes()).endsWith(extra);
        assertThat(extended.inPluginOrder()).extracting(PolicyType::order).isSorted();
        // after every built-in type of a lower order, before the others
        long lower = ResourceTypes.registry().inPluginOrder().stream().filter(p -> p.order() < extra.order()).count();
        assertThat(extended.inPluginOrder().indexOf(extra)).isEqualTo((int) lower);
        assertThat(ResourceTypes.byName("MeshExtra")).isEmpty();
        assertThat(ResourceTypes.registry().policyTypes()).doesNotContain(extra);
    }

    @Test
    void aRegistryRefusesTwoTypesWithOneNamePluralOrOrder() {
        PolicyType timeout = ResourceTypes.policyTypes().stream().filter(p -> p.name().equals("MeshTimeout")).findFirst().orElseThrow();
        assertThatThrownBy(() -> ResourceTypes.registry().withPolicy(
                PolicyType.of("MeshTimeout", "meshtimeouts2", 150, Owner.GLOBAL, Extra.class, SpecValidator.none())))
                .hasMessageContaining("MeshTimeout");
        assertThatThrownBy(() -> ResourceTypes.registry().withPolicy(
                PolicyType.of("MeshOther", "meshtimeouts", 150, Owner.GLOBAL, Extra.class, SpecValidator.none())))
                .hasMessageContaining("meshtimeouts");
        assertThatThrownBy(() -> ResourceTypes.registry().withPolicy(
                PolicyType.of("MeshOther", "meshothers", timeout.order(), Owner.GLOBAL, Extra.class, SpecValidator.none())))
                .hasMessageContaining("order " + timeout.order());
    }

    record Extra(TargetRef targetRef) implements TargetRefPolicy {
    }
}
