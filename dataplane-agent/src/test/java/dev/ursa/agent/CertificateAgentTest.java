package dev.ursa.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.cp.pki.MeshCa;
import dev.ursa.testsupport.Await;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent in this JVM against a real gRPC {@link TestCp} with a real mesh CA, on real files. */
class CertificateAgentTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BackoffPolicy FAST_BACKOFF = new BackoffPolicy(Duration.ofMillis(100), Duration.ofMillis(800), Math::random);

    @TempDir
    Path dir;
    private TestCp cp;
    private CertificateAgent agent;
    private Thread loop;
    private final AtomicReference<Throwable> loopFailure = new AtomicReference<>();

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) agent.close();
        if (loop != null) loop.join(10_000);
        if (cp != null) cp.close();
        assertThat(loop == null || !loop.isAlive()).as("the agent's loop ended on close()").isTrue();
    }

    @Test
    void writesTheBootstrapAndAMatchingCertificateSet() throws Exception {
        cp = TestCp.start("token-" + System.nanoTime());
        String dataplane = "type: Dataplane\nmesh: default\nname: \"backend-1\"\nnetworking: {address: 10.0.0.1}\n\\ \t";
        start(options(Duration.ofSeconds(10), dataplane), BackoffPolicy.standard());

        Await.until("the first certificate set", WAIT, () -> Files.exists(SetOnDisk.current(dir)));
        SetOnDisk set = SetOnDisk.read(dir);
        assertThat(set.keyMatchesCertificate()).as("key.pem belongs to cert.pem").isTrue();
        assertThat(set.uriSans()).containsExactlyElementsOf(TestCp.IDENTITIES);
        assertThat(set.leaf()).isEqualTo(cp.issued.get(0).certificate());
        assertThat(set.caPem()).isEqualTo(cp.trustBundlePem());
        assertThat(set.signedByBundle()).isTrue();
        assertThat(Files.getPosixFilePermissions(SetOnDisk.current(dir).resolve(CertificateDirectory.KEY_FILE)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(cp.lastDataplane).isEqualTo(dataplane);

        Path bootstrapFile = dir.resolve(XdsBootstrap.FILE);
        assertThat(Files.getPosixFilePermissions(bootstrapFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        JsonNode bootstrap = JSON.readTree(bootstrapFile.toFile());
        JsonNode server = bootstrap.get("xds_servers").get(0);
        assertThat(server.get("server_uri").asText()).isEqualTo(cp.address().toString());
        assertThat(server.get("channel_creds").get(0).get("type").asText()).isEqualTo("insecure");
        assertThat(server.get("server_features").get(0).asText()).isEqualTo("xds_v3");
        assertThat(bootstrap.at("/node/id").asText()).isEqualTo(TestCp.NODE_ID);
        assertThat(bootstrap.at("/node/metadata").get("dataplane.token").asText()).isEqualTo(cp.token);
        assertThat(bootstrap.at("/node/metadata").get("dataplane.resource").asText()).isEqualTo(dataplane);
        assertThat(bootstrap.at("/node/metadata").get("ursa.io/flavour").asText()).isEqualTo("proxyless");
        JsonNode provider = bootstrap.get("certificate_providers").get(XdsBootstrap.CERTIFICATE_PROVIDER_INSTANCE);
        assertThat(provider.get("plugin_name").asText()).isEqualTo("file_watcher");
        Path current = dir.toAbsolutePath().resolve("current");
        assertThat(provider.at("/config/certificate_file").asText()).isEqualTo(current.resolve("cert.pem").toString());
        assertThat(provider.at("/config/private_key_file").asText()).isEqualTo(current.resolve("key.pem").toString());
        assertThat(provider.at("/config/ca_certificate_file").asText()).isEqualTo(current.resolve("ca.pem").toString());
        assertThat(provider.at("/config/refresh_interval").asText()).isEqualTo("5s");
        assertThat(bootstrap.get("server_listener_resource_name_template").asText())
                .isEqualTo("grpc/server?xds.resource.listening_address=%s");

        AgentStatus status = Await.value("status with the certificate", WAIT, () -> agent.status().certificate() == null ? null : agent.status());
        assertThat(status.ready(Instant.now())).isTrue();
        assertThat(status.certificate().identities()).containsExactlyElementsOf(TestCp.IDENTITIES);
        assertThat(status.certificate().issuerId()).isEqualTo(TestCp.issuerId(cp.ca));
        assertThat(status.nextRenewal()).isEqualTo(cp.issued.get(0).renewAfter());
    }

    @Test
    void renewsBeforeExpiryWithAFreshKeyEachTime() throws Exception {
        cp = TestCp.start("token");
        cp.lifetime = Duration.ofSeconds(3);
        cp.renewFraction = 0.7;
        start(options(Duration.ofSeconds(10), null), BackoffPolicy.standard());

        Await.until("4 certificates", WAIT, () -> cp.okSigns() >= 4);
        List<TestCp.Issued> issued = List.copyOf(cp.issued);
        for (int i = 1; i < issued.size(); i++) {
            TestCp.Issued previous = issued.get(i - 1);
            TestCp.Issued next = issued.get(i);
            assertThat(next.at()).as("renewal %d before the previous certificate expired", i)
                    .isBefore(previous.certificate().getNotAfter().toInstant());
            assertThat(next.at()).as("renewal %d not before renew_after", i).isAfterOrEqualTo(previous.renewAfter());
        }
        Set<PublicKey> keys = new HashSet<>();
        issued.forEach(c -> keys.add(c.certificate().getPublicKey()));
        assertThat(keys).as("a fresh key for each certificate").hasSize(issued.size());

        Await.until("the latest certificate in place", WAIT, () -> {
            SetOnDisk set = SetOnDisk.read(dir);
            return set.leaf().equals(cp.issued.get(cp.issued.size() - 1).certificate()) && set.keyMatchesCertificate();
        });
        // The agent keeps renewing every ~2 s: between a new generation's swap and the pruning of the previous one there
        // are briefly three. Without pruning the count only grows (four certificates so far), so this cannot pass.
        Await.until("old generations removed", WAIT, () -> generations().size() <= 2);
    }

    @Test
    void followsACaRotationAndWritesTheNewTrustBundle() throws Exception {
        cp = TestCp.start("token");
        start(options(Duration.ofMillis(100), null), BackoffPolicy.standard());
        Await.until("the first certificate", WAIT, () -> cp.okSigns() == 1 && Files.exists(SetOnDisk.current(dir)));
        MeshCa oldCa = cp.ca;
        assertThat(SetOnDisk.read(dir).caPem()).isEqualTo(oldCa.certificatePem());

        MeshCa newCa = cp.rotateCa();
        SetOnDisk rotated = Await.value("a certificate of the new CA in place", WAIT, () -> {
            SetOnDisk set = SetOnDisk.read(dir);
            return set.leaf().getIssuerX500Principal().equals(newCa.certificate().getSubjectX500Principal())
                    && verifies(set.leaf(), newCa) ? set : null;
        });
        assertThat(cp.okSigns()).as("renewed at once, long before renew_after").isEqualTo(2);
        assertThat(rotated.caPem()).isEqualTo(cp.trustBundlePem());
        assertThat(rotated.bundle()).containsExactly(oldCa.certificate(), newCa.certificate());
        assertThat(rotated.keyMatchesCertificate()).isTrue();
        Await.until("status names the new issuer", WAIT,
                () -> agent.status().certificate().issuerId().equals(TestCp.issuerId(newCa)));
    }

    @Test
    void aChangedTrustBundleAloneRewritesCaPemAndKeepsTheCertificate() throws Exception {
        cp = TestCp.start("token");
        start(options(Duration.ofMillis(100), null), BackoffPolicy.standard());
        Await.until("the first certificate", WAIT, () -> Files.exists(SetOnDisk.current(dir)));
        SetOnDisk first = SetOnDisk.read(dir);

        MeshCa extra = cp.trustAlso();
        SetOnDisk updated = Await.value("ca.pem with the extra CA", WAIT, () -> {
            SetOnDisk set = SetOnDisk.read(dir);
            return set.bundle().contains(extra.certificate()) ? set : null;
        });
        assertThat(updated.caPem()).isEqualTo(cp.trustBundlePem());
        assertThat(updated.certPem()).isEqualTo(first.certPem());
        assertThat(updated.keyPem()).isEqualTo(first.keyPem());
        assertThat(cp.okSigns()).isEqualTo(1);
    }

    @Test
    void keepsTheFilesWhileTheCpIsDownPastExpiryAndRecoversWhenItReturnsOnTheSamePort() throws Exception {
        cp = TestCp.start("token");
        cp.lifetime = Duration.ofSeconds(2);
        cp.renewFraction = 0.4;
        start(options(Duration.ofMillis(200), null), FAST_BACKOFF);
        Await.until("the first certificate", WAIT, () -> cp.okSigns() == 1 && Files.exists(SetOnDisk.current(dir)));
        SetOnDisk before = SetOnDisk.read(dir);

        cp.stop();
        Instant expiry = before.leaf().getNotAfter().toInstant();
        AgentStatus down = Await.value("renewals failing past the certificate's expiry", WAIT, () -> {
            AgentStatus s = agent.status();
            return Instant.now().isAfter(expiry) && s.lastError() != null && s.lastError().startsWith("Sign failed: UNAVAILABLE")
                    && s.consecutiveFailures() >= 3 ? s : null;
        });
        assertThat(down.ready(Instant.now())).as("an expired certificate is not ready").isFalse();
        assertThat(down.certificate().notAfter()).isEqualTo(expiry);
        SetOnDisk kept = SetOnDisk.read(dir);
        assertThat(kept.certPem()).as("the files stay in place").isEqualTo(before.certPem());
        assertThat(kept.keyPem()).isEqualTo(before.keyPem());
        assertThat(kept.caPem()).isEqualTo(before.caPem());

        cp.restart();
        Await.until("a new certificate after the CP came back", WAIT, () -> cp.okSigns() == 2
                && SetOnDisk.read(dir).leaf().equals(cp.issued.get(1).certificate()));
        Await.until("status recovered", WAIT, () -> agent.status().lastError() == null && agent.status().ready(Instant.now()));
        assertThat(SetOnDisk.read(dir).keyMatchesCertificate()).isTrue();
    }

    @Test
    void retriesAFailingCpWithGrowingBackoff() throws Exception {
        cp = TestCp.start("token");
        cp.failAll = Status.UNAVAILABLE.withDescription("zone CP is starting");
        start(options(Duration.ofSeconds(10), null), new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Math::random));

        Await.until("6 attempts", WAIT, () -> cp.calls("GetTrust").size() >= 6);
        assertThat(agent.status().lastError()).isEqualTo("GetTrust failed: UNAVAILABLE: zone CP is starting");
        assertThat(Files.exists(SetOnDisk.current(dir))).isFalse();
        cp.failAll = null;
        Await.until("a certificate once the CP answers", WAIT, () -> Files.exists(SetOnDisk.current(dir)));

        List<Instant> attempts = cp.calls("GetTrust").stream().limit(6).map(TestCp.Call::at).toList();
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)));
        // 100 ms doubling, less up to 20 % jitter: each wait at least 1.6x the one before (1.15x leaves room for a
        // scheduling hiccup on a busy machine). The gaps are taken where the CP received the calls: the first call also
        // opened the connection, so it may arrive late and make the first gap look short; only its upper bound counts.
        assertThat(gaps.get(0)).as("first retry after ~100 ms: %s", gaps).isLessThan(Duration.ofMillis(600));
        for (int i = 2; i < gaps.size(); i++) {
            assertThat(gaps.get(i).toMillis()).as("gap %d grows: %s", i, gaps).isGreaterThan((long) (gaps.get(i - 1).toMillis() * 1.15));
        }
        assertThat(gaps.get(gaps.size() - 1)).as("fifth retry after ~1.6 s: %s", gaps).isGreaterThan(Duration.ofMillis(1200));
    }

    @Test
    void aRefusalWhileRunningIsReportedAndRetried() throws Exception {
        cp = TestCp.start("token");
        cp.lifetime = Duration.ofSeconds(5);
        cp.renewFraction = 0.1;
        start(options(Duration.ofSeconds(10), null), FAST_BACKOFF);
        Await.until("the first certificate", WAIT, () -> cp.okSigns() == 1);

        cp.failSign = Status.PERMISSION_DENIED.withDescription("dataplane backend-1 is not allowed to sign");
        Await.until("the refusal reported, retried", WAIT, () -> cp.calls("Sign").size() >= 3
                && "Sign failed: PERMISSION_DENIED: dataplane backend-1 is not allowed to sign".equals(agent.status().lastError()));
        assertThat(loop.isAlive()).as("a refusal after start-up does not end the agent").isTrue();
        assertThat(loopFailure.get()).isNull();

        cp.failSign = null;
        Await.until("renewed once allowed again", WAIT, () -> cp.okSigns() == 2 && agent.status().lastError() == null);
    }

    @Test
    void withMtlsOffKeepsPollingAndSignsOnceItIsOn() throws Exception {
        cp = TestCp.start("token");
        cp.mtls = false;
        start(options(Duration.ofMillis(100), null), BackoffPolicy.standard());

        Await.until("several GetTrust polls", WAIT, () -> cp.calls("GetTrust").size() >= 3);
        AgentStatus off = agent.status();
        assertThat(off.mtls()).isFalse();
        assertThat(off.ready(Instant.now())).as("ready: mTLS off, bootstrap written").isTrue();
        assertThat(cp.calls("Sign")).isEmpty();
        assertThat(Files.exists(SetOnDisk.current(dir))).isFalse();

        cp.mtls = true;
        Await.until("a certificate once mTLS is on", WAIT, () -> Files.exists(SetOnDisk.current(dir)));
        assertThat(SetOnDisk.read(dir).keyMatchesCertificate()).isTrue();
        Await.until("status mTLS on", WAIT, () -> Boolean.TRUE.equals(agent.status().mtls()));
    }

    @Test
    void healthIs503BeforeTheFirstCertificateAnd200WithItsFieldsAfter() throws Exception {
        cp = TestCp.start("token");
        cp.failSign = Status.UNAVAILABLE.withDescription("CA not loaded yet");
        start(options(Duration.ofSeconds(10), null), FAST_BACKOFF);
        try (HealthServer health = HealthServer.start(new HostPort("127.0.0.1", 0), agent::status, Clock.systemUTC())) {
            URI uri = URI.create("http://127.0.0.1:" + health.address().getPort() + HealthServer.PATH);
            HttpClient http = HttpClient.newHttpClient();

            Await.until("a failed Sign", WAIT, () -> agent.status().lastError() != null);
            HttpResponse<String> before = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(before.statusCode()).isEqualTo(503);
            JsonNode notReady = JSON.readTree(before.body());
            assertThat(notReady.get("ready").asBoolean()).isFalse();
            assertThat(notReady.get("mtls").asBoolean()).isTrue();
            assertThat(notReady.get("certificate").isNull()).isTrue();
            assertThat(notReady.get("lastRenewal").isNull()).isTrue();
            assertThat(notReady.get("lastError").asText()).isEqualTo("Sign failed: UNAVAILABLE: CA not loaded yet");

            cp.failSign = null;
            HttpResponse<String> after = Await.value("health 200", WAIT, () -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r : null;
            });
            JsonNode ready = JSON.readTree(after.body());
            X509Certificate cert = cp.issued.get(0).certificate();
            assertThat(ready.get("ready").asBoolean()).isTrue();
            assertThat(ready.get("mtls").asBoolean()).isTrue();
            assertThat(Instant.parse(ready.at("/certificate/notAfter").asText())).isEqualTo(cert.getNotAfter().toInstant());
            assertThat(ready.at("/certificate/identities")).extracting(JsonNode::asText).containsExactlyElementsOf(TestCp.IDENTITIES);
            assertThat(ready.at("/certificate/issuerId").asText()).isEqualTo(TestCp.issuerId(cp.ca));
            assertThat(Instant.parse(ready.get("lastRenewal").asText())).isBefore(Instant.now());
            assertThat(Instant.parse(ready.get("nextRenewal").asText())).isEqualTo(cp.issued.get(0).renewAfter());
            assertThat(ready.get("lastError").isNull()).isTrue();
            assertThat(after.body()).doesNotContain(cp.token);
        }
    }

    @Test
    void aRefusalAtStartEndsTheAgentWithExitCode2() throws Exception {
        cp = TestCp.start("token");
        cp.failAll = Status.INVALID_ARGUMENT.withDescription("dataplane: not a Dataplane: mapping expected at line 1");
        CertificateAgent refused = new CertificateAgent(options(Duration.ofSeconds(10), null), FAST_BACKOFF, Clock.systemUTC());
        try (refused) {
            assertThatThrownBy(refused::run).isInstanceOfSatisfying(AgentException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCodes.REFUSED);
                assertThat(e.getMessage()).contains("INVALID_ARGUMENT", "dataplane: not a Dataplane: mapping expected at line 1");
            });
        }
        assertThat(Files.exists(dir.resolve(XdsBootstrap.FILE))).as("the bootstrap is written before any call").isTrue();
    }

    private AgentOptions options(Duration trustPoll, String dataplane) {
        return new AgentOptions(cp.address(), cp.token, TestCp.NODE_ID, dataplane, dir, trustPoll);
    }

    private void start(AgentOptions options, BackoffPolicy backoff) {
        agent = new CertificateAgent(options, backoff, Clock.systemUTC());
        loop = new Thread(() -> {
            try {
                agent.run();
            } catch (Throwable t) {
                loopFailure.set(t);
            }
        }, "agent-under-test");
        loop.start();
    }

    private List<Path> generations() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(CertificateDirectory.GENERATION_PREFIX)).toList();
        }
    }

    private static boolean verifies(X509Certificate cert, MeshCa ca) {
        try {
            cert.verify(ca.certificate().getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
