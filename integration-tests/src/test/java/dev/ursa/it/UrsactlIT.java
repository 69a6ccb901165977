package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.ctl.Context;
import dev.ursa.ctl.ExitCodes;
import dev.ursa.ctl.Ursactl;
import dev.ursa.mesh.codec.Json;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ursactl (in this JVM, as {@code main} runs it) against a real global and a real standalone zone (fast-jar processes,
 * in-memory stores, loopback admin): every command's table, YAML and JSON output, exit codes and error reporting.
 */
class UrsactlIT {
    private static UrsaProcess global;
    private static UrsaProcess zone;
    private static int kdsPort;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        kdsPort = UrsaProcess.freePort();
        global = UrsaProcess.start("ursactl-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kdsPort)));
        zone = UrsaProcess.start("ursactl-zone", "zone-cp", Map.of("ursa.zone.name", "zone-1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (zone != null) zone.close();
        if (global != null) global.close();
    }

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = new HashMap<>();
        env.put("URSACTL_CONFIG", tmp.resolve("ursactl/config.yaml").toString());
        int code = Ursactl.execute(new Context(new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, false), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run on(UrsaProcess cp, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--address=" + cp.baseUrl());
        return run("", all.toArray(String[]::new));
    }

    private Run ok(Run r) {
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.OK);
        return r;
    }

    private static String timeout(String name, String mesh, String idle) {
        return """
                type: MeshTimeout
                name: %s
                mesh: %s
                labels:
                  team: %s
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: Mesh
                    default:
                      idleTimeout: %s
                """.formatted(name, mesh, name.endsWith("0") ? "even" : "other", idle);
    }

    private Path write(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return f;
    }

    @Test
    void applyOfADirectoryOf50PoliciesIsIdempotent() throws Exception {
        Path dir = tmp.resolve("policies");
        write("policies/00-mesh.yaml", "type: Mesh\nname: fifty\n");
        for (int i = 0; i < 50; i++) {
            write("policies/t-%02d.yaml".formatted(i), timeout("t-%02d".formatted(i), "fifty", "{{ idle }}"));
        }

        Run first = ok(on(global, "apply", "-f", dir.toString(), "--var", "idle=30s"));
        assertThat(first.out()).contains("[1/51] Mesh fifty created", "[51/51] MeshTimeout fifty/t-49 created",
                "51 resources: 51 created, 0 updated, 0 unchanged");

        Run second = ok(on(global, "apply", "-f", dir.toString(), "--var", "idle=30s"));
        assertThat(second.out()).contains("[2/51] MeshTimeout fifty/t-00 unchanged", "51 resources: 0 created, 0 updated, 51 unchanged")
                .doesNotContain(" created\n").doesNotContain(" updated\n");
        JsonNode stored = Json.JSON.readTree(ok(on(global, "get", "meshtimeouts", "t-07", "--mesh", "fifty", "-o", "json")).out());
        assertThat(stored.path("version").asLong()).as("the second apply wrote nothing").isEqualTo(1);
        assertThat(stored.at("/spec/to/0/default/idleTimeout").asText()).isEqualTo("30s");

        Run third = ok(on(global, "apply", "-f", dir.toString(), "--var", "idle=45s"));
        assertThat(third.out()).contains("51 resources: 0 created, 50 updated, 1 unchanged");
    }

    @Test
    void getPrintsTablesYamlAndJsonAndFiltersByLabel() throws Exception {
        ok(run("type: Mesh\nname: getmesh\n---\n" + timeout("g-10", "getmesh", "5s") + "---\n" + timeout("g-11", "getmesh", "6s"), "apply", "-f", "-", "--address=" + global.baseUrl()));

        Run table = ok(on(global, "get", "meshtimeouts", "--mesh", "getmesh"));
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("MESH +NAME +VERSION +AGE");
        assertThat(lines.get(1)).matches("getmesh +g-10 +1 +\\d+[smhd]");
        assertThat(lines.get(2)).matches("getmesh +g-11 +1 +\\d+[smhd]");

        Run one = ok(on(global, "get", "meshtimeout", "g-11", "--mesh", "getmesh", "-o", "yaml"));
        JsonNode y = Json.YAML.readTree(one.out());
        assertThat(y.path("type").asText()).isEqualTo("MeshTimeout");
        assertThat(y.path("name").asText()).isEqualTo("g-11");
        assertThat(y.at("/spec/to/0/default/idleTimeout").asText()).isEqualTo("6s");

        Run yamlList = ok(on(global, "get", "meshtimeouts", "--mesh", "getmesh", "-o", "yaml"));
        assertThat(yamlList.out().split("(?m)^---$")).hasSize(2);
        // What get -o yaml prints applies back unchanged.
        Path back = write("back.yaml", yamlList.out());
        assertThat(ok(on(global, "apply", "-f", back.toString())).out()).contains("2 resources: 0 created, 0 updated, 2 unchanged");

        Run filtered = ok(on(global, "get", "meshtimeouts", "--mesh", "getmesh", "-l", "team=even", "-o", "json"));
        JsonNode list = Json.JSON.readTree(filtered.out());
        assertThat(list.path("total").asInt()).isEqualTo(1);
        assertThat(list.at("/items/0/name").asText()).isEqualTo("g-10");

        Run meshes = ok(on(global, "get", "meshes"));
        assertThat(meshes.out().lines().findFirst().orElseThrow()).matches("NAME +MTLS +VERSION +AGE");
        assertThat(meshes.out()).containsPattern("(?m)^getmesh +off +1 +\\d+[smhd]$");
    }

    @Test
    void anInvalidFileNamesTheFieldAndAppliesNothing() throws Exception {
        Path bad = write("bad.yaml", "type: Mesh\nname: badmesh\n---\n" + timeout("bad-1", "badmesh", "-5s"));
        Run r = on(global, "apply", "-f", bad.toString());
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err()).contains("bad.yaml (document 2)", "  spec.to[0].default.idleTimeout: ", "nothing was applied");
        assertThat(on(global, "get", "meshes", "badmesh").code()).as("the valid mesh of the same file was not applied either").isEqualTo(ExitCodes.REFUSED);

        Run syntax = on(global, "apply", "-f", write("syntax.yaml", "type: MeshTimeout\nname: [unclosed\n").toString());
        assertThat(syntax.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(syntax.err()).contains("syntax.yaml: ", "malformed YAML");
    }

    @Test
    void theServersFieldPathsAreShownUnderTheCommand() throws Exception {
        // Valid on its own, so only the server can refuse it: its mesh does not exist.
        Run r = on(global, "apply", "-f", write("nomesh.yaml", timeout("orphan", "no-such-mesh", "5s")).toString());
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.out()).contains("MeshTimeout no-such-mesh/orphan failed");
        assertThat(r.err()).contains("PUT /meshes/no-such-mesh/meshtimeouts/orphan: 400").containsPattern("(?m)^  mesh: .+");

        Run missing = on(global, "get", "meshtimeouts", "nothing-here");
        assertThat(missing.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(missing.err()).contains("GET /meshes/default/meshtimeouts/nothing-here: 404");
    }

    @Test
    void dryRunValidatesAndPrintsWithoutSending() throws Exception {
        Path f = write("dry.yaml", "type: Mesh\nname: drymesh\n");
        Run r = ok(on(global, "apply", "-f", f.toString(), "--dry-run"));
        assertThat(Json.YAML.readTree(r.out()).path("name").asText()).isEqualTo("drymesh");
        assertThat(r.err()).contains("dry run", "nothing was sent");
        assertThat(on(global, "get", "meshes", "drymesh").code()).isEqualTo(ExitCodes.REFUSED);
    }

    @Test
    void deleteRemovesTheResource() throws Exception {
        ok(run("type: Mesh\nname: delmesh\n---\n" + timeout("d-1", "delmesh", "5s"), "apply", "-f", "-", "--address=" + global.baseUrl()));
        Run r = ok(on(global, "delete", "meshtimeouts", "d-1", "--mesh", "delmesh"));
        assertThat(r.out()).isEqualTo("MeshTimeout delmesh/d-1 deleted\n");
        assertThat(on(global, "get", "meshtimeouts", "d-1", "--mesh", "delmesh").code()).isEqualTo(ExitCodes.REFUSED);
        Run again = on(global, "delete", "meshtimeouts", "d-1", "--mesh", "delmesh");
        assertThat(again.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("404");
    }

    @Test
    void inspectMeshesAndZonesAtTheGlobal() throws Exception {
        ok(run("type: Mesh\nname: insp\n---\n" + timeout("i-1", "insp", "5s") + "---\ntype: Zone\nname: zone-9\n",
                "apply", "-f", "-", "--address=" + global.baseUrl()));
        Run meshes = ok(on(global, "inspect", "meshes"));
        assertThat(meshes.out().lines().findFirst().orElseThrow()).matches("NAME +MTLS +DATAPLANES +POLICIES +AGE");
        assertThat(meshes.out()).containsPattern("(?m)^insp +off +0 +1 +\\d+[smhd]$");
        JsonNode json = Json.YAML.readTree(ok(on(global, "inspect", "meshes", "-o", "yaml")).out());
        assertThat(json.findValues("name").stream().map(JsonNode::asText)).contains("insp");

        Run zones = ok(on(global, "inspect", "zones"));
        assertThat(zones.out().lines().findFirst().orElseThrow()).matches("NAME +STATE +ENABLED +ZONE-CP-VERSION +LAST-CONNECT +LAST-NACK");
        assertThat(zones.out()).containsPattern("(?m)^zone-9 +offline +true +- +- +-$");

        Run atZone = on(zone, "inspect", "zones");
        assertThat(atZone.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(atZone.err()).contains("404", "served by the global");
    }

    @Test
    void inspectDataplanesAndOneDataplaneAtTheZone() throws Exception {
        ok(run("""
                type: Mesh
                name: zmesh
                ---
                type: Dataplane
                mesh: zmesh
                name: backend-1
                networking:
                  address: 10.0.0.7
                  inbound:
                  - port: 8080
                    tags:
                      kuma.io/service: backend
                      kuma.io/protocol: grpc
                ---
                """ + timeout("zt-1", "zmesh", "7s"), "apply", "-f", "-", "--address=" + zone.baseUrl()));

        // From the server's _overview: never connected, so offline, no connect time and no NACK.
        Run dps = ok(on(zone, "inspect", "dataplanes", "--mesh", "zmesh"));
        assertThat(dps.out()).containsPattern("(?m)^MESH +NAME +ZONE +STATE +ADDRESS +SERVICES +LAST-CONNECT +LAST-NACK +CONFIG$")
                .containsPattern("(?m)^zmesh +backend-1 +zone-1 +offline +10\\.0\\.0\\.7 +backend +- +- +ok$");
        JsonNode overview = Json.YAML.readTree(ok(on(zone, "inspect", "dataplanes", "--mesh", "zmesh", "-o", "yaml")).out());
        assertThat(overview.path("total").asInt()).isEqualTo(1);
        assertThat(overview.path("items").get(0).path("type").asText()).isEqualTo("DataplaneOverview");
        assertThat(overview.path("items").get(0).path("state").asText()).isEqualTo("offline");
        // The filters go to the server.
        assertThat(ok(on(zone, "inspect", "dataplanes", "--mesh", "zmesh", "--state", "offline", "--zone", "zone-1",
                "--tag", "kuma.io/service=backend", "--tag", "kuma.io/protocol=grpc")).out()).contains("backend-1");
        assertThat(ok(on(zone, "inspect", "dataplanes", "--mesh", "zmesh", "--state", "online")).out()).doesNotContain("backend-1");
        assertThat(ok(on(zone, "inspect", "dataplanes", "--mesh", "zmesh", "--tag", "kuma.io/service=web")).out()).doesNotContain("backend-1");
        Run badState = on(zone, "inspect", "dataplanes", "--mesh", "zmesh", "--state", "sideways");
        assertThat(badState.code()).as("%s", badState).isEqualTo(ExitCodes.REFUSED);
        assertThat(badState.err()).contains("state", "online or offline");
        Run table = ok(on(zone, "get", "dataplanes", "--mesh", "zmesh"));
        assertThat(table.out()).containsPattern("(?m)^zmesh +backend-1 +10\\.0\\.0\\.7 +backend +1 +\\d+[smhd]$");
        Run all = ok(on(zone, "get", "dataplanes", "-A", "-o", "json"));
        assertThat(Json.JSON.readTree(all.out()).findValuesAsText("name")).contains("backend-1");

        Run policies = ok(on(zone, "inspect", "dataplane", "backend-1", "--mesh", "zmesh", "--policies"));
        assertThat(policies.out()).contains("MeshTimeout", "zt-1");
        Json.YAML.readTree(policies.out());
        Run config = ok(on(zone, "inspect", "dataplane", "backend-1", "--mesh", "zmesh", "--config", "-o", "json", "--flavour", "envoy"));
        assertThat(Json.JSON.readTree(config.out()).isObject()).isTrue();
        assertThat(config.out()).contains("backend");
    }

    @Test
    void generateTokensAndAReadonlyTokenCannotApply() throws Exception {
        Run zoneToken = ok(on(global, "generate", "zone-token", "--zone", "zone-1", "--scope", "cp", "--valid-for", "1h"));
        assertThat(zoneToken.out().strip()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        Run dpToken = ok(on(zone, "generate", "dataplane-token", "--mesh", "default", "--name", "backend-1", "--tag", "kuma.io/service=backend"));
        assertThat(dpToken.out().strip()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        Run badValidity = on(global, "generate", "user-token", "--name", "x", "--group", "mesh-system:admin", "--valid-for", "forever");
        assertThat(badValidity.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(badValidity.err()).containsPattern("(?m)^  validFor: .+");

        String readonly = ok(on(global, "generate", "user-token", "--name", "carol", "--group", "mesh-system:readonly")).out().strip();
        Path f = write("ro.yaml", "type: Mesh\nname: romesh\n");
        Run refused = run("", "apply", "-f", f.toString(), "--address=" + global.baseUrl(), "--token=" + readonly);
        assertThat(refused.code()).as("%s", refused).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("403", "mesh-system:admin");
        ok(run("", "get", "meshes", "--address=" + global.baseUrl(), "--token=" + readonly));
    }

    @Test
    void controlPlanesInTheConfigFile() throws Exception {
        String admin = ok(on(global, "generate", "user-token", "--name", "ops", "--group", "mesh-system:admin")).out().strip();
        String readonly = ok(on(global, "generate", "user-token", "--name", "viewer", "--group", "mesh-system:readonly")).out().strip();
        Path config = tmp.resolve("ursactl/config.yaml");

        ok(run("", "config", "control-planes", "add", "--name", "global", "--address", global.baseUrl(), "--token", admin));
        assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(config.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Path tokenFile = write("viewer.token", readonly + "\n");
        ok(run("", "config", "control-planes", "add", "--name", "global-ro", "--address", global.baseUrl(), "--token-file", tokenFile.toString()));
        ok(run("", "config", "control-planes", "add", "--name", "zone", "--address", zone.baseUrl()));

        Run list = ok(run("", "config", "control-planes", "list"));
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("CURRENT +NAME +ADDRESS +CA-FILE +TOKEN");
        assertThat(lines.get(1)).matches("- +global +" + global.baseUrl() + " +- +yes");
        assertThat(lines.get(2)).matches("- +global-ro +" + global.baseUrl() + " +- +yes");
        assertThat(lines.get(3)).matches("\\* +zone +" + zone.baseUrl() + " +- +no");
        assertThat(list.out()).doesNotContain(admin);

        Path mesh = write("cfg.yaml", "type: Mesh\nname: cfgmesh\n");
        ok(run("", "config", "control-planes", "use", "global-ro"));
        Run refused = run("", "apply", "-f", mesh.toString());
        assertThat(refused.code()).as("%s", refused).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("403");

        ok(run("", "config", "control-planes", "use", "global"));
        assertThat(ok(run("", "apply", "-f", mesh.toString())).out()).contains("Mesh cfgmesh created");
        assertThat(ok(run("", "get", "meshes", "cfgmesh")).out()).contains("cfgmesh");
        assertThat(run("", "get", "meshes", "cfgmesh", "--address", zone.baseUrl()).code()).as("--address overrides the current one")
                .isEqualTo(ExitCodes.REFUSED);

        Run unknown = run("", "config", "control-planes", "use", "nope");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Files.readString(config)).contains("currentControlPlane: global");
    }

    @Test
    void binUrsactlRunsThePackagedJarWithPlainOutputWhenPiped() throws Exception {
        Path bad = write("wrapper-bad.yaml", timeout("w-1", "default", "-1s"));
        ProcessBuilder pb = new ProcessBuilder(UrsaProcess.repoRoot().resolve("bin/ursactl").toString(), "apply", "-f", bad.toString(),
                "--address=" + global.baseUrl());
        pb.environment().put("URSACTL_CONFIG", tmp.resolve("wrapper/config.yaml").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(ExitCodes.REFUSED);
        assertThat(output).contains("Error: " + bad + ": Resource is not valid", "  spec.to[0].default.idleTimeout: ")
                .doesNotContain("\u001b[");

        Process usage = new ProcessBuilder(UrsaProcess.repoRoot().resolve("bin/ursactl").toString(), "get").redirectErrorStream(true).start();
        usage.getInputStream().readAllBytes();
        assertThat(usage.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void inspectZonesShowsAFederatedZoneOnlineWithATokenUrsactlMinted() throws Exception {
        String token = ok(on(global, "generate", "zone-token", "--zone", "zone-fed", "--valid-for", "1h")).out().strip();
        Map<String, String> props = ZoneKds.props("zone-fed", kdsPort, ZoneKds.caFile(global.baseUrl()), ZoneKds.tokenFile(token));
        try (UrsaProcess federated = UrsaProcess.start("ursactl-zone-fed", "zone-cp", props)) {
            Await.until("zone-fed online in inspect zones", Duration.ofSeconds(60), () -> on(global, "inspect", "zones").out()
                    .lines().anyMatch(l -> l.matches("zone-fed +online +true +\\S+ +\\d{4}-\\d\\d-\\d\\dT\\S+ +-")));
            JsonNode yaml = Json.YAML.readTree(ok(on(global, "inspect", "zones", "-o", "yaml")).out());
            JsonNode fed = null;
            for (JsonNode z : yaml.path("items")) if (z.path("name").asText().equals("zone-fed")) fed = z;
            assertThat(fed).as(yaml.toString()).isNotNull();
            assertThat(fed.path("state").asText()).isEqualTo("online");

            // A federated zone takes no policy writes: the server's refusal, exit 1.
            Run refused = run(timeout("fed-1", "default", "5s"), "apply", "-f", "-", "--address=" + federated.baseUrl());
            assertThat(refused.code()).as("%s", refused).isEqualTo(ExitCodes.REFUSED);
            assertThat(refused.err()).contains("PUT /meshes/default/meshtimeouts/fed-1: 405");
        }
    }

    @Test
    void inspectPoliciesListsEveryTypeOfAMeshAndApplyShowsTheServersWarnings() throws Exception {
        ok(run("type: Mesh\nname: polmesh\n---\n" + timeout("p-1", "polmesh", "5s") + """
                ---
                type: MeshRetry
                name: r-1
                mesh: polmesh
                spec:
                  targetRef:
                    kind: Dataplane
                    labels: {app: web}
                  to:
                  - targetRef: {kind: Mesh}
                    default:
                      http: {numRetries: 3}
                """, "apply", "-f", "-", "--address=" + global.baseUrl()));
        Run table = ok(on(global, "inspect", "policies", "--mesh", "polmesh"));
        assertThat(table.out()).containsPattern("(?m)^TYPE +NAME +TARGET +VERSION +AGE$")
                .containsPattern("(?m)^MeshTimeout +p-1 +Mesh +1 +\\d+[smhd]$")
                .containsPattern("(?m)^MeshRetry +r-1 +Dataplane\\{app=web} +1 +\\d+[smhd]$");
        JsonNode json = Json.JSON.readTree(ok(on(global, "inspect", "policies", "--mesh", "polmesh", "-o", "json")).out());
        assertThat(json.path("total").asInt()).isGreaterThanOrEqualTo(2);
        Run noMesh = on(global, "inspect", "policies", "--mesh", "no-such");
        assertThat(noMesh.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(noMesh.err()).contains("GET /meshes/no-such: 404");

        String passthrough = """
                type: MeshPassthrough
                name: pass
                mesh: polmesh
                spec:
                  targetRef: {kind: Mesh}
                  default:
                    passthroughMode: All
                """;
        Run warned = ok(run(passthrough, "apply", "-f", "-", "--address=" + global.baseUrl()));
        assertThat(warned.out()).contains("MeshPassthrough polmesh/pass created");
        assertThat(warned.err()).containsPattern("(?m)^Warning: MeshPassthrough polmesh/pass: .+");
    }
}
