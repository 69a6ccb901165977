package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.testsupport.Await;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KDS with the secure defaults between real processes: a global (TLS by default, its own CA) and zone CPs configured
 * wrongly in each way an operator can, each refused with a reason the zone shows (its readiness {@code lastFailure} and
 * log): a CA file of another CA, a plaintext dial, and a token that is revoked (the open stream closes within a bounded
 * time), expired, of another zone or of the ingress scope. The token file is re-read at every dial, so one zone CP goes
 * through every token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KdsSecurityIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);
    /** A revoked token's open stream is closed within this (the revocation reaches the KDS server through the store feed). */
    static final Duration REVOCATION_BOUND = Duration.ofSeconds(15);

    UrsaProcess global;
    int kds;
    Path ca;
    final List<UrsaProcess> zones = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        kds = UrsaProcess.freePort();
        global = UrsaProcess.start("kdssec-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kds)));
        ca = ZoneKds.caFile(global.baseUrl());
    }

    @AfterAll
    void stop() throws Exception {
        for (UrsaProcess z : zones) z.close();
        if (global != null) global.close();
    }

    UrsaProcess zone(String name, Map<String, String> props) throws Exception {
        Map<String, String> all = new HashMap<>(props);
        all.put("ursa.zone.kds.backoff-max", "1s");
        UrsaProcess z = UrsaProcess.launch(name, "zone-cp", UrsaProcess.freePort(), all);
        zones.add(z);
        return z;
    }

    /** The zone's KDS health: {@code connected} and {@code lastFailure} from its readiness check. */
    static JsonNode kdsHealth(UrsaProcess zone) throws Exception {
        String body = zone.readiness();
        if (body.isEmpty()) return JSON.createObjectNode();
        for (JsonNode check : JSON.readTree(body).path("checks")) {
            if (check.path("name").asText().equals("kds")) return check.path("data");
        }
        return JSON.createObjectNode();
    }

    static String lastFailure(UrsaProcess zone) throws Exception {
        return kdsHealth(zone).path("lastFailure").asText("");
    }

    static void awaitFailure(UrsaProcess zone, String... parts) {
        Await.until(zone + " refused with " + List.of(parts), WAIT, () -> {
            String f = lastFailure(zone);
            for (String p : parts) {
                if (!f.contains(p)) return false;
            }
            return true;
        });
    }

    @Test
    void aZoneWithACaFileOfAnotherCaRefusesTheGlobalAndSaysWhichFileToCheck() throws Exception {
        SelfSignedCertificate other = new SelfSignedCertificate("localhost");
        try {
            Path otherCa = Files.copy(other.certificate().toPath(), ca.resolveSibling("other-ca-" + System.nanoTime() + ".pem"));
            UrsaProcess zone = zone("kdssec-wrong-ca", ZoneKds.props("zone-ca", kds, otherCa, ZoneKds.tokenFile(ZoneKds.mint(global.baseUrl(), "zone-ca", "1h"))));
            awaitFailure(zone, "the global's KDS certificate is not trusted: check ursa.zone.kds.ca-file", "SSLHandshakeException");
            assertThat(zone.log()).contains("cannot connect to the global");
            assertThat(Http.get(global.baseUrl() + "/zone-insights/zone-ca").status()).as("the global never saw zone-ca").isEqualTo(404);
        } finally {
            other.delete();
        }
    }

    @Test
    void aPlaintextDialToTheTlsGlobalIsToldToDialGrpcsWithTheCaFile() throws Exception {
        Map<String, String> props = new HashMap<>(ZoneKds.props(global.baseUrl(), "zone-plain", kds));
        props.put("ursa.zone.global-address", "grpc://127.0.0.1:" + kds);
        UrsaProcess zone = zone("kdssec-plaintext", props);
        awaitFailure(zone, "the global speaks TLS: dial grpcs:// with ursa.zone.kds.ca-file");
        assertThat(zone.log()).contains("the global speaks TLS: dial grpcs:// with ursa.zone.kds.ca-file");
        assertThat(Http.get(global.baseUrl() + "/zone-insights/zone-plain").status()).isEqualTo(404);
    }

    @Test
    void oneZoneThroughEveryRefusedTokenRevokedExpiredOfAnotherZoneAndIngressScoped() throws Exception {
        String url = global.baseUrl();
        String valid = ZoneKds.mint(url, "zone-life", "1h");
        Path tokenFile = ZoneKds.tokenFile(valid);
        UrsaProcess zone = zone("kdssec-life", ZoneKds.props("zone-life", kds, ca, tokenFile));
        zone.awaitReady(WAIT);
        Await.until("zone-life connected", WAIT, () -> kdsHealth(zone).path("connected").asBoolean());
        assertThat(ProcessHandle.of(zone.pid()).orElseThrow().info().commandLine().orElse("")).as("no token on the command line")
                .doesNotContain(valid);

        // Revoked while connected: the open stream is closed within a bounded time, not only the next dial refused.
        Http.Reply revoked = Http.postJson(url + "/tokens/zone/revocations", "{\"token\":\"" + valid + "\"}");
        assertThat(revoked.status()).isEqualTo(204);
        Duration took = Await.until("zone-life's stream closed after the revocation", REVOCATION_BOUND,
                () -> !kdsHealth(zone).path("connected").asBoolean() && lastFailure(zone).contains("zone token revoked"));
        System.out.printf("[kds] revoked token's stream closed in %d ms%n", took.toMillis());
        awaitFailure(zone, "UNAUTHENTICATED", "was revoked");

        Instant minted = Instant.now();
        String expiring = ZoneKds.mint(url, "zone-life", "1s");
        Await.until("the 1 s token to expire", WAIT, () -> Instant.now().isAfter(minted.plusSeconds(2)));
        Files.writeString(tokenFile, expiring);
        awaitFailure(zone, "UNAUTHENTICATED", "zone token expired");

        Files.writeString(tokenFile, ZoneKds.mint(url, "zone-other", "1h"));
        awaitFailure(zone, "PERMISSION_DENIED", "the token is for zone zone-other, not zone-life");

        Files.writeString(tokenFile, ZoneKds.mint(url, "{\"zone\":\"zone-life\",\"scope\":[\"ingress\"],\"validFor\":\"1h\"}"));
        awaitFailure(zone, "PERMISSION_DENIED", "has scope [ingress]: a zone CP's KDS stream needs scope cp");

        // A good token again: the next dial (the file is re-read) connects.
        Files.writeString(tokenFile, ZoneKds.mint(url, "zone-life", "1h"));
        Await.until("zone-life connected again", WAIT, () -> kdsHealth(zone).path("connected").asBoolean());
        assertThat(zone.log()).doesNotContain(valid).doesNotContain(expiring);
        assertThat(global.log()).doesNotContain(valid).doesNotContain(expiring);
    }
}
