package dev.ursa.cp.mtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.cp.pki.Pem;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.CaSecrets;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.SecretSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Builtin CAs: generated once per listed backend, one CA when managers race, retired after the delay, across restarts. */
class MeshCaManagerTest {
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final Duration DELAY = Duration.ofHours(1);
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(T0);

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    final InMemoryStore store = new InMemoryStore();
    final FakeClock clock = new FakeClock();
    final List<MeshCaManager> managers = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        managers.forEach(MeshCaManager::close);
    }

    @Test
    void enablingABuiltinBackendCreatesExactlyOneCaWithTheConfiguredKeySizeAndLifetime() throws Exception {
        putMesh("default", "ca-1", builtin("ca-1", "{\"caCert\":{\"RSAbits\":3072,\"expiration\":\"2y\"}}"),
                new MeshMtls.Backend("ext", MeshMtls.PROVIDED, null, null, null, null));
        MeshCaManager manager = manager(store, meters);

        X509Certificate cert = awaitCa("default", "ca-1");
        assertThat(cert.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
        assertThat(cert.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList()).containsExactly("spiffe://default");
        assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength()).isEqualTo(3072);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(730)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(MeshCaManager.keyPair(Pem.privateKey(text("default", CaSecrets.builtinKey("default", "ca-1")))).getPublic())
                .as("the stored key is the certificate's").isEqualTo(cert.getPublicKey());

        manager.reconcileNow("default");
        assertThat(secretNames("default")).as("nothing for the provided backend, nothing twice")
                .containsExactlyInAnyOrder(CaSecrets.builtinCert("default", "ca-1"), CaSecrets.builtinKey("default", "ca-1"));
        assertThat(secret("default", CaSecrets.builtinCert("default", "ca-1")).orElseThrow().meta().version()).isEqualTo(1);
        assertThat(meters.counter(MeshCaManager.GENERATED).count()).isEqualTo(1);
    }

    @Test
    void defaultsAre2048BitsAndTenYears() throws Exception {
        putMesh("default", "ca-1", builtin("ca-1", null));
        manager(store, meters);

        X509Certificate cert = awaitCa("default", "ca-1");
        assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(3650)));
    }

    @Test
    void aConfTheWriteChecksRefuseGeneratesNothing() {
        // Stored around the API's validation (skipValidation, another build): no CA of a size nobody asked for.
        putMesh("default", "ca-1", builtin("ca-1", "{\"caCert\":{\"RSAbits\":100}}"));
        MeshCaManager manager = manager(store, meters);

        manager.reconcileNow("default");
        assertThat(secretNames("default")).isEmpty();
        assertThat(meters.counter(MeshCaManager.GENERATED).count()).isZero();
    }

    @Test
    void twoManagersRacingOnOneStoreEndWithOneCaPerMesh() throws Exception {
        List<String> meshes = List.of("m1", "m2", "m3", "m4", "m5");
        for (String mesh : meshes) putMesh(mesh, "ca-1", builtin("ca-1", null));
        SimpleMeterRegistry otherMeters = new SimpleMeterRegistry();
        CountDownLatch go = new CountDownLatch(1);
        Thread a = Thread.ofPlatform().start(() -> await(go, () -> manager(store, meters)));
        Thread b = Thread.ofPlatform().start(() -> await(go, () -> manager(store, otherMeters)));
        go.countDown();
        a.join();
        b.join();

        for (String mesh : meshes) {
            X509Certificate cert = awaitCa(mesh, "ca-1");
            managers.forEach(m -> m.reconcileNow(mesh));
            assertThat(secretNames(mesh)).hasSize(2);
            assertThat(MeshCaManager.keyPair(Pem.privateKey(text(mesh, CaSecrets.builtinKey(mesh, "ca-1")))).getPublic())
                    .as("%s: one CA, certificate and key of the same pair", mesh).isEqualTo(cert.getPublicKey());
        }
        assertThat(meters.counter(MeshCaManager.GENERATED).count() + otherMeters.counter(MeshCaManager.GENERATED).count())
                .as("one stored CA per mesh").isEqualTo(meshes.size());
    }

    @Test
    void aKeyLeftWithoutItsCertificateGetsOneAndAMissingCaIsRestored() throws Exception {
        putMesh("default", "ca-1", builtin("ca-1", null));
        manager(store, meters);
        X509Certificate first = awaitCa("default", "ca-1");

        StoredSecrets.join(store.delete(ResourceKey.of(ResourceTypes.SECRET, "default", CaSecrets.builtinCert("default", "ca-1")), Precondition.ANY));
        X509Certificate reissued = awaitCa("default", "ca-1");
        assertThat(reissued.getPublicKey()).as("same key, so what the CA signed stays valid").isEqualTo(first.getPublicKey());

        StoredSecrets.join(store.delete(ResourceKey.of(ResourceTypes.SECRET, "default", CaSecrets.builtinKey("default", "ca-1")), Precondition.ANY));
        Await.until("a new key, and a certificate of it", DEADLINE, () -> secret("default", CaSecrets.builtinKey("default", "ca-1")).isPresent()
                && !cert("default", "ca-1").getPublicKey().equals(first.getPublicKey()));
        assertThat(MeshCaManager.keyPair(Pem.privateKey(text("default", CaSecrets.builtinKey("default", "ca-1")))).getPublic())
                .isEqualTo(cert("default", "ca-1").getPublicKey());
    }

    @Test
    void switchingBackendsKeepsTheOldCaUntilTheDelayAfterItIsNoLongerListed() throws Exception {
        putMesh("default", "ca-1", builtin("ca-1", null));
        MeshCaManager manager = manager(store, meters);
        X509Certificate old = awaitCa("default", "ca-1");

        putMesh("default", "ca-2", builtin("ca-1", null), builtin("ca-2", null));
        awaitCa("default", "ca-2");
        manager.reconcileNow("default");
        assertThat(cert("default", "ca-1")).as("still listed: kept").isEqualTo(old);
        assertThat(manager.armedRetirement("default")).isEmpty();

        clock.advance(Duration.ofMinutes(10));
        Instant unlisted = clock.instant();
        putMesh("default", "ca-2", builtin("ca-2", null));
        Await.until("the retirement deadline on ca-1's Secrets", DEADLINE, () -> manager.armedRetirement("default").isPresent());
        assertThat(manager.armedRetirement("default")).contains(unlisted.plus(DELAY));
        assertThat(secret("default", CaSecrets.builtinKey("default", "ca-1")).orElseThrow().meta().labels())
                .containsEntry(MeshCaManager.RETIRE_AFTER, unlisted.plus(DELAY).toString());

        clock.advance(DELAY.minusSeconds(1));
        manager.reconcileNow("default");
        assertThat(secretNames("default")).as("not yet").contains(CaSecrets.builtinCert("default", "ca-1"), CaSecrets.builtinKey("default", "ca-1"));

        clock.advance(Duration.ofSeconds(1));
        manager.reconcileNow("default");
        assertThat(secretNames("default")).containsExactlyInAnyOrder(CaSecrets.builtinCert("default", "ca-2"), CaSecrets.builtinKey("default", "ca-2"));
        assertThat(manager.armedRetirement("default")).isEmpty();
        assertThat(meters.counter(MeshCaManager.RETIRED).count()).isEqualTo(1);
    }

    @Test
    void aRestartedManagerReArmsTheRecordedDeadline() throws Exception {
        putMesh("default", "ca-2", builtin("ca-1", null), builtin("ca-2", null));
        MeshCaManager first = manager(store, meters);
        awaitCa("default", "ca-1");
        awaitCa("default", "ca-2");
        putMesh("default", "ca-2", builtin("ca-2", null));
        Await.until("ca-1 retiring", DEADLINE, () -> first.armedRetirement("default").isPresent());
        Instant deadline = first.armedRetirement("default").orElseThrow();
        first.close();

        clock.advance(Duration.ofMinutes(30));
        MeshCaManager second = manager(store, new SimpleMeterRegistry());
        Await.until("the deadline re-armed from the label", DEADLINE, () -> second.armedRetirement("default").isPresent());
        assertThat(second.armedRetirement("default")).as("the recorded deadline, not a new one").contains(deadline);

        clock.advance(Duration.ofMinutes(30));
        second.reconcileNow("default");
        assertThat(secretNames("default")).containsExactlyInAnyOrder(CaSecrets.builtinCert("default", "ca-2"), CaSecrets.builtinKey("default", "ca-2"));
    }

    @Test
    void aBackendListedAgainBeforeItsDeadlineIsKept() throws Exception {
        putMesh("default", "ca-1", builtin("ca-1", null));
        MeshCaManager manager = manager(store, meters);
        awaitCa("default", "ca-1");
        putMesh("default", null);
        Await.until("ca-1 retiring", DEADLINE, () -> manager.armedRetirement("default").isPresent());

        putMesh("default", "ca-1", builtin("ca-1", null));
        Await.until("retirement cancelled", DEADLINE, () -> manager.armedRetirement("default").isEmpty()
                && !secret("default", CaSecrets.builtinKey("default", "ca-1")).orElseThrow().meta().labels().containsKey(MeshCaManager.RETIRE_AFTER));
        clock.advance(DELAY.multipliedBy(2));
        manager.reconcileNow("default");
        assertThat(secretNames("default")).hasSize(2);
    }

    @Test
    void deletingTheMeshRemovesItsCaSecrets() throws Exception {
        putMesh("default", "ca-1", builtin("ca-1", null));
        MeshCaManager manager = manager(store, meters);
        awaitCa("default", "ca-1");

        StoredSecrets.join(store.delete(ResourceKey.of(ResourceTypes.MESH, "", "default"), Precondition.ANY));
        manager.reconcileNow("default");
        assertThat(StoredSecrets.join(store.listAll(ListQuery.all(ResourceTypes.SECRET)))).isEmpty();
    }

    // ---- helpers ----

    private MeshCaManager manager(ResourceStore on, SimpleMeterRegistry registry) {
        MeshCaManager m = new MeshCaManager(on, clock, DELAY, registry);
        synchronized (managers) {
            managers.add(m);
        }
        return m.start();
    }

    private static void await(CountDownLatch latch, Runnable then) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        then.run();
    }

    static MeshMtls.Backend builtin(String name, String conf) {
        try {
            JsonNode node = conf == null ? null : Json.JSON.readTree(conf);
            return new MeshMtls.Backend(name, MeshMtls.BUILTIN, null, node, null, null);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void putMesh(String name, String enabled, MeshMtls.Backend... backends) {
        MeshMtls mtls = enabled == null && backends.length == 0 ? null : new MeshMtls(enabled, Arrays.asList(backends), null);
        MeshSpec spec = new MeshSpec(mtls, null, null, null, null, null, null, null, null);
        StoredSecrets.join(store.put(new Resource(ResourceTypes.MESH, Meta.fresh("", name, Map.of()), spec), Precondition.ANY));
    }

    private X509Certificate awaitCa(String mesh, String backend) {
        return Await.value(mesh + "'s CA of " + backend, DEADLINE, () -> secret(mesh, CaSecrets.builtinKey(mesh, backend)).isPresent()
                ? secret(mesh, CaSecrets.builtinCert(mesh, backend)).map(s -> cert(mesh, backend)).orElse(null) : null);
    }

    private X509Certificate cert(String mesh, String backend) {
        return Pem.certificates(text(mesh, CaSecrets.builtinCert(mesh, backend))).get(0);
    }

    private Optional<Resource> secret(String mesh, String name) {
        return StoredSecrets.join(store.get(ResourceKey.of(ResourceTypes.SECRET, mesh, name)));
    }

    private String text(String mesh, String name) {
        return new String(Base64.getDecoder().decode(secret(mesh, name).orElseThrow().spec(SecretSpec.class).data()), StandardCharsets.US_ASCII);
    }

    private List<String> secretNames(String mesh) {
        return StoredSecrets.join(store.listAll(ListQuery.inMesh(ResourceTypes.SECRET, mesh))).stream().map(r -> r.meta().name()).toList();
    }
}
