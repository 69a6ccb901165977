package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What ursactl does without a control plane: usage errors, client-side checks, --var, the config file, no connection. */
class OfflineCommandsTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ursactl.execute(new Context(new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                Map.of("URSACTL_CONFIG", tmp.resolve("cfg/config.yaml").toString()), false), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void usageErrorsExit2() {
        assertThat(run("", "get").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("", "frobnicate").code()).isEqualTo(ExitCodes.USAGE);
        Run unknownType = run("", "get", "widgets", "--address=http://127.0.0.1:1");
        assertThat(unknownType.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknownType.err()).contains("unknown resource type \"widgets\"", "meshtimeouts");
        assertThat(run("", "get", "meshes", "-o", "xml").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("", "apply", "-f", tmp.resolve("missing.yaml").toString()).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("", "get", "meshes", "--address=ftp://x").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void anUnreachableControlPlaneExits3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("", "get", "meshes", "--address=http://127.0.0.1:" + port);
        assertThat(r.code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.err()).contains("cannot connect to http://127.0.0.1:" + port);
        Run apply = run("type: Mesh\nname: m\n", "apply", "-f", "-", "--address=http://127.0.0.1:" + port);
        assertThat(apply.code()).isEqualTo(ExitCodes.CONNECTION);
    }

    @Test
    void invalidDocumentsAreReportedWithTheirFieldPathsBeforeAnythingIsSent() {
        String docs = """
                type: Mesh
                name: Not_A_Valid_Name!
                ---
                type: MeshTimeout
                name: t1
                mesh: default
                spec:
                  targetRef: {kind: Mesh}
                  to:
                  - targetRef: {kind: Mesh}
                    default: {idleTimeout: -1s, bogus: 1}
                ---
                type: Nonsense
                name: x
                """;
        // An address nothing listens on: the command must fail on validation, before connecting (exit 1, not 3).
        Run r = run(docs, "apply", "-f", "-", "--address=http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err()).contains("stdin (document 1)", "  name: ", "stdin (document 2)", "spec.to[0].default.bogus",
                "stdin (document 3)", "unknown type \"Nonsense\"", "3 of 3 documents are not valid; nothing was applied");
    }

    @Test
    void dryRunSubstitutesVariablesAsKumactlAndPrintsTheDocuments() throws Exception {
        String doc = """
                type: MeshTimeout
                name: {{ name }}
                mesh: {{mesh}}
                spec:
                  targetRef: {kind: Mesh}
                  to:
                  - targetRef: {kind: Mesh}
                    default: {idleTimeout: {{ idle }}}
                """;
        Run r = run(doc, "apply", "-f", "-", "--dry-run", "--var", "name=t1", "-v", "mesh=prod", "--var", "idle=10s", "--address=http://127.0.0.1:1");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        JsonNode y = Json.YAML.readTree(r.out());
        assertThat(y.path("name").asText()).isEqualTo("t1");
        assertThat(y.path("mesh").asText()).isEqualTo("prod");
        assertThat(y.at("/spec/to/0/default/idleTimeout").asText()).isEqualTo("10s");
        assertThat(r.err()).contains("1 documents valid", "server has no validate-only endpoint");
    }

    @Test
    void aDirectoryIsReadInNameOrderAndOnlyYamlAndJsonFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Files.writeString(dir.resolve("b.yaml"), "type: Mesh\nname: b\n---\ntype: Mesh\nname: c\n");
        Files.writeString(dir.resolve("a.json"), "{\"type\":\"Mesh\",\"name\":\"a\"}");
        Files.writeString(dir.resolve("notes.txt"), "not a resource");
        Documents.Read read = Documents.read(dir.toString(), null, Map.of());
        assertThat(read.problems()).isEmpty();
        assertThat(read.files()).isEqualTo(2);
        assertThat(read.documents()).extracting(d -> d.node().path("name").asText()).containsExactly("a", "b", "c");
        assertThat(read.documents()).extracting(Documents.Document::source)
                .containsExactly(dir.resolve("a.json").toString(), dir.resolve("b.yaml") + " (document 1)", dir.resolve("b.yaml") + " (document 2)");
    }

    @Test
    void separatorsCommentsAndEmptyDocumentsAreHandled() {
        List<Documents.Document> docs = new ArrayList<>();
        List<Documents.Problem> problems = new ArrayList<>();
        Documents.split("f", "---\n# only a comment\n---\ntype: Mesh\nname: a # inline\n--- # next\ntype: Mesh\nname: b\n---\n", Map.of(), docs, problems);
        assertThat(problems).isEmpty();
        assertThat(docs).extracting(d -> d.node().path("name").asText()).containsExactly("a", "b");
        assertThat(Documents.render("a: {{ x }}, b: {{y.z}}, c: {{ unset }}", Map.of("x", "1", "y.z", "2"))).isEqualTo("a: 1, b: 2, c: ");
    }

    @Test
    void theConfigFileIsPrivateAndTracksTheCurrentControlPlane() throws Exception {
        Path config = tmp.resolve("cfg/config.yaml");
        assertThat(run("", "config", "control-planes", "list").out()).isEqualTo("CURRENT  NAME  ADDRESS  CA-FILE  TOKEN\n");
        assertThat(run("", "config", "control-planes", "add", "--name", "a", "--address", "http://127.0.0.1:1", "--token", "secret-a").code()).isZero();
        assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(run("", "config", "control-planes", "add", "--name", "b", "--address", "https://cp.example:5681").code()).isZero();
        assertThat(Files.getPosixFilePermissions(config)).as("a rewrite makes it private again").isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Run dup = run("", "config", "control-planes", "add", "--name", "a", "--address", "http://127.0.0.1:2");
        assertThat(dup.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(dup.err()).contains("--overwrite");

        ConfigFile read = ConfigFile.read(config);
        assertThat(read.currentControlPlane()).isEqualTo("b");
        assertThat(read.named("a").orElseThrow().token()).isEqualTo("secret-a");
        assertThat(run("", "config", "control-planes", "use", "a").code()).isZero();
        assertThat(ConfigFile.read(config).current().address()).isEqualTo("http://127.0.0.1:1");
        Run list = run("", "config", "control-planes", "list");
        assertThat(list.out()).doesNotContain("secret-a").containsPattern("(?m)^\\* +a +http://127\\.0\\.0\\.1:1 +- +yes$");

        // Commands go to the current control plane: here one nothing listens on.
        assertThat(run("", "get", "meshes").code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(run("", "config", "control-planes", "remove", "a").code()).isZero();
        assertThat(ConfigFile.read(config).current()).isEqualTo(ConfigFile.LOCAL);
    }

    @Test
    void completionScriptIsGenerated() {
        Run r = run("", "generate-completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ursactl", "apply", "inspect");
    }

    @Test
    void colourOnlyWhenTheContextSaysATerminalIsWatching() {
        StringWriter err = new StringWriter();
        int code = Ursactl.execute(new Context(new PrintWriter(new StringWriter()), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
                Map.of("URSACTL_CONFIG", tmp.resolve("c.yaml").toString()), true), "apply", "-f", tmp.resolve("missing.yaml").toString());
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("\u001b[31mError: \u001b[0m");
        assertThat(run("", "apply", "-f", tmp.resolve("missing.yaml").toString()).err()).startsWith("Error: ").doesNotContain("\u001b");
    }
}
