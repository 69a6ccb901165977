package dev.ursa.it;

import dev.ursa.it.ApiCaller.Reply;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static dev.ursa.it.ApiCaller.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's authorisation matrix with real processes: a global and a standalone zone, both started with
 * {@code ursa.api.localhost-is-admin=false}, so this test is a remote client. Its first credential is the admin token
 * each control plane writes to {@code ursa.api.admin-token-file}. Every endpoint family x {no credentials, malformed,
 * wrong signature, expired, revoked, readonly, admin} gets 401 / 403 / 2xx as documented (docs/security.md), and a
 * refused write leaves what it targets unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiAuthorizationIT {
    enum Cp { GLOBAL, ZONE }

    enum Needs { OPEN, READ, ADMIN }

    /** @param state what the call would change, read with the bootstrap admin token; null for reads */
    record Call(Cp cp, String method, String path, String body, Needs needs, Callable<String> state) {
        String contentType() {
            return body == null ? null : body.startsWith("{") ? "application/json" : "application/yaml";
        }

        @Override
        public String toString() {
            return cp + " " + method + " " + path;
        }
    }

    static final String T1 = """
            type: MeshTimeout
            mesh: default
            name: t1
            spec:
              targetRef:
                kind: Mesh
              to:
              - targetRef:
                  kind: Mesh
                default:
                  idleTimeout: %s
            """;
    static final String DP1 = """
            type: Dataplane
            mesh: default
            name: dp-1
            labels:
              edited: "%s"
            networking:
              address: 127.0.0.1
              inbound:
              - port: 9000
                tags:
                  kuma.io/service: backend
            """;

    final Map<Cp, UrsaProcess> cps = new EnumMap<>(Cp.class);
    final Map<Cp, String> bootstrap = new EnumMap<>(Cp.class);
    final Map<Cp, String> admin = new EnumMap<>(Cp.class);
    final Map<Cp, String> readonly = new EnumMap<>(Cp.class);
    final Map<Cp, String> revoked = new EnumMap<>(Cp.class);
    final Map<Cp, String> expiring = new EnumMap<>(Cp.class);
    final Map<Cp, String> victim = new EnumMap<>(Cp.class);
    final List<Call> calls = new ArrayList<>();
    Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = UrsaProcess.repoRoot().resolve("integration-tests/target/it-auth/" + System.nanoTime());
        Files.createDirectories(dir);
        cps.put(Cp.GLOBAL, UrsaProcess.start("authz-global", "global-cp", Map.of(
                "ursa.api.localhost-is-admin", "false", "ursa.api.admin-token-file", dir.resolve("global-admin.token").toString())));
        cps.put(Cp.ZONE, UrsaProcess.start("authz-zone", "zone-cp", Map.of("ursa.zone.name", "zone-a", "ursa.zone.data-dir", dir.resolve("zone-data").toString(),
                "ursa.api.localhost-is-admin", "false", "ursa.api.admin-token-file", dir.resolve("zone-admin.token").toString())));
        for (Cp cp : Cp.values()) {
            Path file = dir.resolve(cp.name().toLowerCase() + "-admin.token");
            Await.until("admin token file of " + cp, Duration.ofSeconds(30), () -> Files.exists(file) && Files.readString(file).strip().startsWith("eyJ"));
            bootstrap.put(cp, Files.readString(file).strip());
            String url = url(cp);
            admin.put(cp, ApiCaller.mint(url, bootstrap.get(cp), "matrix-admin", "mesh-system:admin", "1h"));
            readonly.put(cp, ApiCaller.mint(url, bootstrap.get(cp), "matrix-viewer", "mesh-system:readonly", "1h"));
            revoked.put(cp, ApiCaller.mint(url, bootstrap.get(cp), "matrix-revoked", "mesh-system:admin", "1h"));
            expiring.put(cp, ApiCaller.mint(url, bootstrap.get(cp), "matrix-expiring", "mesh-system:admin", "1s"));
            victim.put(cp, ApiCaller.mint(url, bootstrap.get(cp), "matrix-victim", "mesh-system:readonly", "1h"));
            expect2xx(ApiCaller.call("POST", url + "/tokens/user/revocations", "application/json",
                    "{\"id\":\"" + ApiCaller.tokenId(revoked.get(cp)) + "\"}", bearer(bootstrap.get(cp))));
        }
        fixtures();
        defineCalls();
    }

    @AfterAll
    void stop() throws Exception {
        for (UrsaProcess p : cps.values()) p.close();
    }

    String url(Cp cp) {
        return cps.get(cp).baseUrl();
    }

    static final String SECRET = "/meshes/default/secrets/s1";
    static final String SECRET_YAML = "type: Secret\nmesh: default\nname: s1\ndata: %s\n";

    void fixtures() throws Exception {
        for (Cp cp : Cp.values()) {
            put(cp, "/meshes/default", "type: Mesh\nname: default\n");
            put(cp, "/meshes/default/meshtimeouts/t1", T1.formatted("20s"));
        }
        put(Cp.GLOBAL, "/zones/z1", "type: Zone\nname: z1\nenabled: true\n");
        put(Cp.GLOBAL, SECRET, SECRET_YAML.formatted("c2VjcmV0"));
        put(Cp.ZONE, "/meshes/default/dataplanes/dp-1", DP1.formatted("no"));
    }

    void put(Cp cp, String path, String yaml) throws Exception {
        expect2xx(ApiCaller.call("PUT", url(cp) + path, "application/yaml", yaml, bearer(bootstrap.get(cp))));
    }

    static void expect2xx(Reply r) {
        if (r.status() / 100 != 2) throw new IllegalStateException("expected 2xx: " + r);
    }

    /** A resource as stored (status and document), read with the bootstrap admin token. */
    Callable<String> resource(Cp cp, String path) {
        return () -> {
            Reply r = ApiCaller.call("GET", url(cp) + path, null, null, bearer(bootstrap.get(cp)));
            return r.status() + " " + r.body();
        };
    }

    /** The signing key a new user token gets: a refused rotation must leave it. */
    Callable<String> signingKey(Cp cp) {
        return () -> {
            String token = ApiCaller.mint(url(cp), bootstrap.get(cp), "kid-probe", "mesh-system:readonly", "1m");
            return Federation.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0])).path("kid").asText();
        };
    }

    /** The signing key a new zone token gets: a refused rotation must leave it. */
    Callable<String> zoneSigningKey() {
        return () -> {
            Reply r = ApiCaller.call("POST", url(Cp.GLOBAL) + "/tokens/zone", "application/json",
                    "{\"zone\":\"kid-probe\",\"validFor\":\"1m\"}", bearer(bootstrap.get(Cp.GLOBAL)));
            expect2xx(r);
            return Federation.JSON.readTree(Base64.getUrlDecoder().decode(r.body().strip().split("\\.")[0])).path("kid").asText();
        };
    }

    /** Whether the victim token still works: a refused revocation must leave it valid. */
    Callable<String> victimValid(Cp cp) {
        return () -> Integer.toString(ApiCaller.call("GET", url(cp) + "/who-am-i", null, null, bearer(victim.get(cp))).status());
    }

    void defineCalls() throws Exception {
        for (String path : List.of("/q/health/ready", "/q/health/live")) {
            calls.add(new Call(Cp.GLOBAL, "GET", path, null, Needs.OPEN, null));
            calls.add(new Call(Cp.ZONE, "GET", path, null, Needs.OPEN, null));
        }
        for (String path : List.of("/", "/who-am-i", "/meshes", "/meshes/default", "/meshes/default/meshtimeouts", "/meshes/default/meshtimeouts/t1",
                "/zones", "/zones/z1", "/zones/_overview", "/zones/z1/_overview", "/zone-insights", "/tokentrusts", "/events", "/q/metrics",
                "/q/openapi")) {
            calls.add(new Call(Cp.GLOBAL, "GET", path, null, Needs.READ, null));
        }
        for (String path : List.of("/who-am-i", "/meshes/default/dataplanes", "/meshes/default/dataplanes/dp-1", "/meshes/default/dataplanes/dp-1/_config",
                "/meshes/default/dataplanes/dp-1/_policies", "/meshes/default/meshtimeouts/t1", "/events", "/q/metrics")) {
            calls.add(new Call(Cp.ZONE, "GET", path, null, Needs.READ, null));
        }
        String t1 = "/meshes/default/meshtimeouts/t1";
        String dp1 = "/meshes/default/dataplanes/dp-1";
        calls.add(new Call(Cp.GLOBAL, "PUT", t1, T1.formatted("99s"), Needs.ADMIN, resource(Cp.GLOBAL, t1)));
        calls.add(new Call(Cp.GLOBAL, "DELETE", t1, null, Needs.ADMIN, resource(Cp.GLOBAL, t1)));
        calls.add(new Call(Cp.GLOBAL, "PUT", "/zones/z1", "type: Zone\nname: z1\nenabled: false\n", Needs.ADMIN, resource(Cp.GLOBAL, "/zones/z1")));
        calls.add(new Call(Cp.GLOBAL, "DELETE", "/zones/z1", null, Needs.ADMIN, resource(Cp.GLOBAL, "/zones/z1")));
        // Mesh Secrets: read by readonly callers with the data redacted (MeshSecretsApiTest), written by admins only.
        calls.add(new Call(Cp.GLOBAL, "GET", "/meshes/default/secrets", null, Needs.READ, null));
        calls.add(new Call(Cp.GLOBAL, "GET", SECRET, null, Needs.READ, null));
        calls.add(new Call(Cp.GLOBAL, "PUT", SECRET, SECRET_YAML.formatted("Y2hhbmdlZA=="), Needs.ADMIN, resource(Cp.GLOBAL, SECRET)));
        calls.add(new Call(Cp.GLOBAL, "DELETE", SECRET, null, Needs.ADMIN, resource(Cp.GLOBAL, SECRET)));
        calls.add(new Call(Cp.GLOBAL, "PUT", "/meshes/matrix-new", "type: Mesh\nname: matrix-new\n", Needs.ADMIN, resource(Cp.GLOBAL, "/meshes/matrix-new")));
        calls.add(new Call(Cp.GLOBAL, "POST", "/tokens/zone", "{\"zone\":\"zone-matrix\",\"validFor\":\"1h\"}", Needs.ADMIN, null));
        calls.add(new Call(Cp.GLOBAL, "POST", "/tokens/zone/revocations", "{\"id\":\"" + UUID.randomUUID() + "\"}", Needs.ADMIN, null));
        calls.add(new Call(Cp.GLOBAL, "POST", "/tokens/zone/signing-keys/_rotate", null, Needs.ADMIN, zoneSigningKey()));
        // KDS trust material: who may dial KDS is decided by who may fetch its CA (admin only, even to read).
        calls.add(new Call(Cp.GLOBAL, "GET", "/kds/ca.pem", null, Needs.ADMIN, null));
        calls.add(new Call(Cp.ZONE, "PUT", dp1, DP1.formatted("yes"), Needs.ADMIN, resource(Cp.ZONE, dp1)));
        calls.add(new Call(Cp.ZONE, "DELETE", dp1, null, Needs.ADMIN, resource(Cp.ZONE, dp1)));
        calls.add(new Call(Cp.ZONE, "PUT", t1, T1.formatted("99s"), Needs.ADMIN, resource(Cp.ZONE, t1)));
        for (Cp cp : Cp.values()) { // dataplane tokens are minted by the global and by zones (Kuma's body)
            calls.add(new Call(cp, "POST", "/tokens/dataplane", "{\"name\":\"backend-1\",\"mesh\":\"default\","
                    + "\"tags\":{\"kuma.io/service\":[\"backend\"]},\"type\":\"dataplane\",\"validFor\":\"1h\"}", Needs.ADMIN, null));
            calls.add(new Call(cp, "POST", "/tokens/dataplane/revocations", "{\"id\":\"" + UUID.randomUUID() + "\"}", Needs.ADMIN, null));
        }
        for (Cp cp : Cp.values()) {
            calls.add(new Call(cp, "POST", "/tokens/user", "{\"name\":\"matrix-minted\",\"groups\":[\"mesh-system:admin\"]}", Needs.ADMIN, null));
            calls.add(new Call(cp, "POST", "/tokens/user/revocations", "{\"id\":\"" + ApiCaller.tokenId(victim.get(cp)) + "\"}", Needs.ADMIN, victimValid(cp)));
            calls.add(new Call(cp, "POST", "/tokens/user/signing-keys/_rotate", null, Needs.ADMIN, signingKey(cp)));
        }
    }

    enum Column { UNAUTHENTICATED, READONLY, ADMIN }

    /** Runs every call with {@code authorization} per control plane; returns every deviation (the whole column is checked). */
    List<String> column(String label, Map<Cp, String> authorization, Column expected) throws Exception {
        List<String> problems = new ArrayList<>();
        for (Call call : calls) {
            String before = call.state() == null ? null : call.state().call();
            Reply r = ApiCaller.call(call.method(), url(call.cp()) + call.path(), call.contentType(), call.body(), authorization.get(call.cp()));
            boolean allowed = call.needs() == Needs.OPEN || expected == Column.ADMIN || (expected == Column.READONLY && call.needs() == Needs.READ);
            String what = label + ": " + call + " -> " + r.status() + " " + r.body();
            if (allowed) {
                if (r.status() / 100 != 2) problems.add(what + " (expected 2xx)");
            } else if (expected == Column.READONLY) {
                if (r.status() != 403 || !r.body().contains("\"Access denied\"")) problems.add(what + " (expected 403 Access denied)");
            } else if (r.status() != 401 || !r.body().contains("\"Unauthenticated\"") || !r.wwwAuthenticate().orElse("").startsWith("Bearer")) {
                problems.add(what + " (expected 401 Unauthenticated with WWW-Authenticate: Bearer)");
            }
            if (!allowed && call.state() != null && !before.equals(call.state().call())) problems.add(what + ": the refused call changed the store");
            if (allowed && call.method().equals("DELETE")) fixtures(); // the admin column deletes fixtures: put them back
        }
        return problems;
    }

    Map<Cp, String> each(Map<Cp, String> tokens) {
        Map<Cp, String> out = new EnumMap<>(Cp.class);
        tokens.forEach((cp, t) -> out.put(cp, bearer(t)));
        return out;
    }

    @Test
    @Order(1)
    void noCredentials() throws Exception {
        assertThat(column("no credentials", new EnumMap<>(Cp.class), Column.UNAUTHENTICATED)).isEmpty();
    }

    @Test
    @Order(2)
    void malformedCredentials() throws Exception {
        assertThat(column("malformed token", Map.of(Cp.GLOBAL, "Bearer not-a-jwt", Cp.ZONE, "Bearer eyJ.e30.x"), Column.UNAUTHENTICATED)).isEmpty();
        assertThat(column("not a bearer", Map.of(Cp.GLOBAL, "Basic YWRtaW46YWRtaW4=", Cp.ZONE, "Token abc"), Column.UNAUTHENTICATED)).isEmpty();
    }

    @Test
    @Order(3)
    void wrongSignature() throws Exception {
        Map<Cp, String> forged = new EnumMap<>(Cp.class);
        for (Cp cp : Cp.values()) { // a readonly token claiming the admin group, its signature kept
            String[] parts = readonly.get(cp).split("\\.");
            String claims = new String(Base64.getUrlDecoder().decode(parts[1])).replace("mesh-system:readonly", "mesh-system:admin");
            forged.put(cp, parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes()) + "." + parts[2]);
        }
        assertThat(column("wrong signature", each(forged), Column.UNAUTHENTICATED)).isEmpty();
        // A user token is only valid where it was minted: the global's at the zone and the zone's at the global.
        assertThat(column("another control plane's token", Map.of(Cp.GLOBAL, bearer(admin.get(Cp.ZONE)), Cp.ZONE, bearer(admin.get(Cp.GLOBAL))),
                Column.UNAUTHENTICATED)).isEmpty();
    }

    @Test
    @Order(4)
    void revoked() throws Exception {
        assertThat(column("revoked", each(revoked), Column.UNAUTHENTICATED)).isEmpty();
    }

    @Test
    @Order(5)
    void readonly() throws Exception {
        assertThat(column("readonly", each(readonly), Column.READONLY)).isEmpty();
    }

    @Test
    @Order(6)
    void expired() throws Exception {
        for (Cp cp : Cp.values()) { // valid for 1 s; refused once past the 30 s clock skew verification allows
            Await.until("the 1s token to be refused at " + cp, Duration.ofSeconds(90),
                    () -> ApiCaller.call("GET", url(cp) + "/who-am-i", null, null, bearer(expiring.get(cp))).status() == 401);
        }
        assertThat(column("expired", each(expiring), Column.UNAUTHENTICATED)).isEmpty();
    }

    @Test
    @Order(7)
    void admin() throws Exception {
        assertThat(column("admin", each(admin), Column.ADMIN)).isEmpty();
        for (Cp cp : Cp.values()) {
            assertThat(victimValid(cp).call()).as("the admin's revocation took effect at " + cp).isEqualTo("401");
            assertThat(ApiCaller.call("GET", url(cp) + "/who-am-i", null, null, bearer(readonly.get(cp))).status())
                    .as("a rotation leaves earlier tokens valid at " + cp).isEqualTo(200);
        }
    }

    @Test
    @Order(8)
    void theDiagnosticsPortNeedsNoCredentialsAndTakesNoWrites() throws Exception {
        for (Cp cp : Cp.values()) {
            String diag = "http://127.0.0.1:" + cps.get(cp).diagnosticsPort();
            assertThat(ApiCaller.call("GET", diag + "/q/health/ready", null, null, null).status()).isEqualTo(200);
            assertThat(ApiCaller.call("GET", diag + "/q/metrics", null, null, null).body()).contains("# TYPE");
            assertThat(ApiCaller.call("PUT", diag + "/q/health/ready", "application/json", "{}", null).status()).isEqualTo(405);
            assertThat(ApiCaller.call("GET", diag + "/meshes", null, null, null).status()).isEqualTo(404);
        }
    }
}
