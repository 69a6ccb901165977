package dev.ursa.it.deploy;

import dev.ursa.it.UrsaProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Validates everything under deploy/ without a cluster or Docker: every kustomize directory is rendered with the
 * real {@code kubectl kustomize}, parsed strictly into Fabric8's typed Kubernetes model, and checked against Ursa's
 * process contract; the compose file and the systemd units are checked structurally (systemd units also with
 * {@code systemd-analyze verify} where the machine has it). Deliberately broken manifests in
 * src/test/resources/deploy-broken show that each kind of mistake is caught and named.
 */
class DeployManifestsIT {
    private static final Path REPO = UrsaProcess.repoRoot();
    private static final Path DEPLOY = REPO.resolve("deploy");
    private static final Path BROKEN = REPO.resolve("integration-tests/src/test/resources/deploy-broken");
    private static final Path VARIANTS = REPO.resolve("integration-tests/src/test/resources/deploy-variants");

    private final Kubectl kubectl = Kubectl.locate();
    private final StrictManifestParser parser = new StrictManifestParser();

    @Test
    void everyBaseRendersAndParsesStrictly() throws IOException {
        List<Path> bases = directories(DEPLOY.resolve("kubernetes/base"));
        assertThat(bases).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("global-cp", "zone-cp", "ingress-gateway");
        for (Path base : bases) {
            List<HasMetadata> objects = parser.parse(REPO.relativize(base).toString(), kubectl.kustomize(base));
            assertThat(objects).as(base + " renders Deployments").anyMatch(o -> "Deployment".equals(o.getKind()));
        }
    }

    @Test
    void threeRegionOverlaysFollowTheContract() throws IOException {
        List<Path> overlays = directories(DEPLOY.resolve("kubernetes/overlays"));
        assertThat(overlays).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("region-a", "region-b", "region-c");

        Map<String, UrsaManifestRules.Summary> summaries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path overlay : overlays) {
            String name = REPO.relativize(overlay).toString();
            UrsaManifestRules.Result result = UrsaManifestRules.check(parser.parse(name, kubectl.kustomize(overlay)));
            result.problems().forEach(p -> problems.add(name + ": " + p));
            summaries.put(overlay.getFileName().toString(), result.summary());
        }
        assertThat(problems).as("contract problems in the overlays").isEmpty();

        // The example: the global only in region A, one zone and one ingress in every region, all names distinct.
        assertThat(summaries).allSatisfy((region, s) -> {
            assertThat(s.zoneNames()).as(region + " zones").hasSize(1);
            assertThat(s.advertisedIngresses()).as(region + " ingresses").hasSize(1);
        });
        assertThat(summaries.get("region-a").apps()).contains(UrsaManifestRules.App.GLOBAL_CP);
        // High availability: every control plane runs at least two replicas (the rules tie them to Postgres and a PDB).
        assertThat(summaries).allSatisfy((region, s) -> assertThat(s.replicas())
                .as(region + " replicas").allSatisfy((app, n) -> assertThat(n).as(region + " " + app).isGreaterThanOrEqualTo(2)));
        assertThat(summaries.get("region-a").replicas()).containsKeys(UrsaManifestRules.App.GLOBAL_CP, UrsaManifestRules.App.ZONE_CP);
        assertThat(summaries.get("region-b").apps()).doesNotContain(UrsaManifestRules.App.GLOBAL_CP);
        assertThat(summaries.get("region-c").apps()).doesNotContain(UrsaManifestRules.App.GLOBAL_CP);
        List<String> zones = summaries.values().stream().flatMap(s -> s.zoneNames().stream()).toList();
        assertThat(zones).as("zone names across overlays").doesNotHaveDuplicates().containsExactlyInAnyOrder("zone-a", "zone-b", "zone-c");
        assertThat(summaries.values().stream().flatMap(s -> s.advertisedIngresses().stream()).toList())
                .as("advertised ingress addresses").doesNotHaveDuplicates();
    }

    @Test
    void memoryStoreZoneComponentIsTheSingleReplicaOption() {
        Path variant = VARIANTS.resolve("zone-memory-store");
        List<HasMetadata> objects = parser.parse(REPO.relativize(variant).toString(), kubectl.kustomize(variant));
        UrsaManifestRules.Result result = UrsaManifestRules.check(objects);
        assertThat(result.problems()).as("contract problems of region-b with a memory-store zone").isEmpty();
        assertThat(result.summary().replicas()).containsEntry(UrsaManifestRules.App.ZONE_CP, 1);
        assertThat(objects).as("PodDisruptionBudgets").filteredOn(o -> "PodDisruptionBudget".equals(o.getKind()))
                .extracting(o -> o.getMetadata().getName()).containsExactly("ursa-ingress");
    }

    static Stream<Path> brokenKustomizations() throws IOException {
        return directories(BROKEN).stream().filter(d -> Files.exists(d.resolve("kustomization.yaml")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenKustomizations")
    void brokenManifestIsRejectedNamingTheProblem(Path dir) throws IOException {
        String expected = Files.readString(dir.resolve("expected.txt"), StandardCharsets.UTF_8).strip();
        String rejection = rejection(dir).orElseGet(() -> fail(dir + " was accepted; expected: " + expected));
        System.out.println("[deploy-broken/" + dir.getFileName() + "] rejected: " + rejection);
        assertThat(rejection).contains(expected);
    }

    @Test
    void atLeastTwoBrokenKustomizationsAreChecked() throws IOException {
        assertThat(brokenKustomizations()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aWrongKindAndAStringBooleanAreRejectedToo() {
        assertThatThrownBy(() -> parser.parse("inline", "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n"))
                .hasMessageContaining("unsupported apiVersion/kind \"apps/v1/Deploymnet\"");
        assertThatThrownBy(() -> parser.parse("inline", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\n"
                + "automountServiceAccountToken: \"false\"\n"))
                .hasMessageContaining("inline document 1 (ServiceAccount x): automountServiceAccountToken:");
        assertThatThrownBy(() -> parser.parse("inline", "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n"
                + "spec: {minAvailble: 1}\n"))
                .hasMessageContaining("inline document 1 (PodDisruptionBudget x): spec.minAvailble: unknown field \"minAvailble\"");
    }

    /** The text of the first error the validation reports for {@code dir}, or empty when it passes. */
    private Optional<String> rejection(Path dir) {
        try {
            List<HasMetadata> objects = parser.parse(REPO.relativize(dir).toString(), kubectl.kustomize(dir));
            List<String> problems = UrsaManifestRules.check(objects).problems();
            return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", problems));
        } catch (InvalidManifestException e) {
            return Optional.of(e.getMessage());
        }
    }

    // ---- compose ----------------------------------------------------------------------------------------------

    @Test
    void composeFileIsAValidLocalMultiZoneSetUp() throws IOException {
        ComposeRules.Result result = ComposeRules.check(DEPLOY.resolve("compose/compose.yaml"), REPO);
        assertThat(result.problems()).as("compose problems").isEmpty();
        assertThat(result.services()).containsOnlyKeys("postgres", "global", "zone-1", "zone-2", "ingress-1", "ingress-2");
        assertThat(result.zoneNames()).containsExactly("zone-1", "zone-2");
    }

    @Test
    void brokenComposeFileIsRejectedNamingEachProblem() throws IOException {
        ComposeRules.Result result = ComposeRules.check(BROKEN.resolve("compose/compose.yaml"), REPO);
        System.out.println("[deploy-broken/compose] rejected:\n  " + String.join("\n  ", result.problems()));
        assertThat(result.problems()).contains(
                "service global: unknown key \"depend_on\"",
                "service global: no healthcheck",
                "service zone-1: URSA_ZONE_GLOBAL_ADDRESS is null, expected grpcs://global:5685",
                "service zone-1: depends_on kafka, which is not a service",
                "service zone-1: waits for global to be healthy, but it has no healthcheck",
                "service global: publishes the admin port 5681 on 0.0.0.0; bind it to 127.0.0.1",
                "service postgres: POSTGRES_PASSWORD is written into the file; use ${NAME:?message} so the user must set it",
                "service postgres: publishes [5432] on the host; only Ursa's own ports are for users");
    }

    // ---- systemd ----------------------------------------------------------------------------------------------

    @Test
    void systemdUnitsAreValid() throws Exception {
        Path dir = DEPLOY.resolve("systemd");
        List<String> problems = new ArrayList<>();
        List<Path> units = new ArrayList<>();
        for (var entry : SystemdUnits.UNITS.entrySet()) {
            Path unit = dir.resolve(entry.getKey());
            units.add(unit);
            problems.addAll(SystemdUnits.check(SystemdUnits.parse(unit), entry.getValue()));
        }
        Optional<Path> analyze = SystemdUnits.systemdAnalyze();
        if (analyze.isPresent()) {
            problems.addAll(SystemdUnits.verify(analyze.get(), units));
            System.out.println("[systemd] checked by our parser and by " + analyze.get() + " verify");
        } else {
            System.out.println("[systemd] systemd-analyze not installed: checked by our parser only");
        }
        assertThat(problems).as("systemd unit problems").isEmpty();
    }

    @Test
    void systemdEnvFilesUseOnlyKnownUrsaKeys() throws IOException {
        List<Path> envFiles = files(DEPLOY.resolve("systemd/env"));
        assertThat(envFiles).extracting(p -> p.getFileName().toString())
                .contains("global.env", "zone-zone-1.env", "ingress-zone-1.env");
        for (Path file : envFiles) {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                assertThat(line).as(file.getFileName() + " line").matches("[A-Z][A-Z0-9_]*=.*");
                String key = line.substring(0, line.indexOf('='));
                if (key.startsWith("URSA_")) assertThat(UrsaManifestRules.KNOWN_URSA_KEYS).as(file.getFileName() + " key").contains(key);
            }
        }
    }

    @Test
    void brokenSystemdUnitIsRejected() throws Exception {
        Path unit = BROKEN.resolve("systemd/ursa-global.service");
        List<String> problems = new ArrayList<>(SystemdUnits.check(SystemdUnits.parse(unit), "global-cp"));
        assertThat(problems).contains("ursa-global.service: Restart=on-failure is missing",
                "ursa-global.service: ReadWritePaths must name the data directory under /var/lib/ursa/ (and nothing else), is [/etc]");
        Optional<Path> analyze = SystemdUnits.systemdAnalyze();
        if (analyze.isPresent()) {
            List<String> verify = SystemdUnits.verify(analyze.get(), List.of(unit));
            System.out.println("[deploy-broken/systemd] systemd-analyze: " + verify);
            assertThat(verify).anyMatch(l -> l.contains("Unknown key 'Restat'") || l.contains("Unknown key name 'Restat'"));
        }
    }

    private static List<Path> directories(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
