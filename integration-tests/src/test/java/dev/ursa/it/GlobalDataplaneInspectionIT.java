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
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real global and a real federated zone (fast-jar processes, KDS over TLS with a zone token): the global answers
 * {@code GET /meshes/{mesh}/dataplanes/{zone}.{name}/_config} and {@code _policies} with what the zone itself answers
 * for its dataplane, asked over the zone-dialled KDS Inspect stream; as YAML when asked; the zone's 404 for a dataplane
 * it does not know; 503 naming the zone once the zone is gone. {@code ursactl inspect dataplane} works against the
 * global by the same paths.
 */
class GlobalDataplaneInspectionIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static UrsaProcess global;
    private static UrsaProcess zone;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        int kds = UrsaProcess.freePort();
        global = UrsaProcess.start("inspect-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kds)));
        ok(Http.putYaml(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null));
        ok(Http.putYaml(global.baseUrl() + "/meshes/default/meshtimeouts/web-timeouts", """
                type: MeshTimeout
                name: web-timeouts
                mesh: default
                spec:
                  targetRef:
                    kind: MeshService
                    name: web
                  from:
                  - targetRef:
                      kind: Mesh
                    default:
                      idleTimeout: 42s
                """, null));
        zone = UrsaProcess.start("inspect-zone-q", "zone-cp", ZoneKds.props(global.baseUrl(), "zone-q", kds));
        Await.until("the MeshTimeout synced to zone-q", WAIT, () -> Http.get(zone.baseUrl() + "/meshes/default/meshtimeouts/web-timeouts").status() == 200);
        ok(Http.putYaml(zone.baseUrl() + "/meshes/default/dataplanes/web-1", """
                type: Dataplane
                mesh: default
                name: web-1
                networking:
                  address: 10.0.0.9
                  inbound:
                  - port: 8080
                    tags:
                      kuma.io/service: web
                      kuma.io/protocol: http
                  outbound:
                  - port: 9090
                    tags:
                      kuma.io/service: backend
                """, null));
        Await.until("zone-q.web-1 at the global", WAIT, () -> Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-q.web-1").status() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (zone != null) zone.close();
        if (global != null) global.close();
    }

    static void ok(Http.Reply r) {
        assertThat(r.status() / 100).as("%s", r).isEqualTo(2);
    }

    record Answer(int status, String body, String contentType) {
    }

    static Answer get(String url, String accept) throws Exception {
        HttpResponse<String> r = Http.client().send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s answered 500: %s", url, r.body()).isNotEqualTo(500);
        return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    static JsonNode json(String text) throws Exception {
        return Json.YAML.readTree(text); // JSON or YAML
    }

    /** The global's answer for zone-q's {@code name}, once it equals the zone's own (both render from synced state). */
    static JsonNode sameAsTheZone(String sub, String name, String accept) throws Exception {
        return Await.value("the global's " + sub + " of zone-q." + name + " equals the zone's", WAIT, () -> {
            Answer atZone = get(zone.baseUrl() + "/meshes/default/dataplanes/" + name + "/" + sub, accept);
            Answer atGlobal = get(global.baseUrl() + "/meshes/default/dataplanes/zone-q." + name + "/" + sub, accept);
            assertThat(atZone.status()).as("%s", atZone).isEqualTo(200);
            if (atGlobal.status() != 200) return null; // the Inspect stream may still be opening
            assertThat(atGlobal.contentType()).isEqualTo(atZone.contentType());
            JsonNode z = json(atZone.body());
            return z.equals(json(atGlobal.body())) ? z : null;
        });
    }

    @Test
    void theGlobalShowsTheZonesConfigAndPoliciesOfItsDataplaneAndTheZones404() throws Exception {
        JsonNode config = sameAsTheZone("_config", "web-1", "application/json");
        assertThat(config.path("node").asText()).isEqualTo("default.web-1");
        assertThat(config.path("listeners").isEmpty()).as("rendered listeners: %s", config).isFalse();
        assertThat(config.toString()).doesNotContain("PRIVATE KEY");
        JsonNode policies = sameAsTheZone("_policies", "web-1", "application/json");
        assertThat(policies.toString()).contains("MeshTimeout", "web-timeouts");
        JsonNode yaml = sameAsTheZone("_policies", "web-1", "application/yaml");
        assertThat(yaml).isEqualTo(policies);
        assertThat(get(global.baseUrl() + "/meshes/default/dataplanes/zone-q.web-1/_policies", "application/yaml").contentType()).startsWith("application/yaml");

        Answer missing = get(global.baseUrl() + "/meshes/default/dataplanes/zone-q.nope/_config", "application/json");
        assertThat(missing.status()).as("%s", missing).isEqualTo(404);
        assertThat(json(missing.body()).path("detail").asText()).startsWith("zone zone-q: ").contains("\"nope\"");

        // ursactl against the global, by the same paths
        Run run = ursactl("inspect", "dataplane", "zone-q.web-1", "--policies", "--address=" + global.baseUrl());
        assertThat(run.code()).as("%s", run).isEqualTo(ExitCodes.OK);
        assertThat(json(run.out())).isEqualTo(policies);
        Run cfg = ursactl("inspect", "dataplane", "zone-q.web-1", "--config", "-o", "json", "--address=" + global.baseUrl());
        assertThat(cfg.code()).as("%s", cfg).isEqualTo(ExitCodes.OK);
        assertThat(json(cfg.out()).path("node").asText()).isEqualTo("default.web-1");

        // the zone goes away: 503 naming it, never a 500 or a hang (while it stops, a request its stream took is a 503 too)
        zone.close();
        Answer gone = Await.value("503 'not connected' once zone-q is gone", WAIT, () -> {
            Answer r = get(global.baseUrl() + "/meshes/default/dataplanes/zone-q.web-1/_config", "application/json");
            assertThat(r.status()).as("%s", r).isIn(200, 503);
            if (r.status() == 503) assertThat(json(r.body()).path("detail").asText()).contains("zone zone-q");
            return r.status() == 503 && r.body().contains("is not connected") ? r : null;
        });
        assertThat(json(gone.body()).path("detail").asText()).contains("zone zone-q is not connected");
        Run offline = ursactl("inspect", "dataplane", "zone-q.web-1", "--address=" + global.baseUrl());
        assertThat(offline.code()).as("%s", offline).isNotEqualTo(ExitCodes.OK);
        assertThat(offline.err()).contains("zone zone-q is not connected");
    }

    record Run(int code, String out, String err) {
    }

    Run ursactl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ursactl.execute(new Context(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
                Map.of("URSACTL_CONFIG", tmp.resolve("ursactl/config.yaml").toString()), false), args);
        return new Run(code, out.toString(), Objects.toString(err));
    }
}
