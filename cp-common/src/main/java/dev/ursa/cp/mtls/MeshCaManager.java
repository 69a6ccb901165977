package dev.ursa.cp.mtls;

import dev.ursa.cp.pki.MeshCa;
import dev.ursa.cp.pki.Pem;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.CaSecrets;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.SecretSpec;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lifecycle of the meshes' builtin certificate authorities, as Kuma's builtin CA manager plus retirement: for every
 * {@code builtin} backend listed in a Mesh's {@code mtls.backends} the CA exists as two Secrets
 * ({@link CaSecrets#builtinCert}, {@link CaSecrets#builtinKey}), generated once and written create-if-absent, so that
 * control planes sharing a database end with one CA (the key is written first and is the CA's identity; whoever
 * loses reads the winner's, and a key left without its certificate gets one). The Secrets of a backend no longer
 * listed (e.g. after {@code enabledBackend} moved to another one) are kept {@code retirementDelay} more, so zones keep
 * trusting the old CA while workload certificates are replaced: the deadline is recorded on the Secrets (label
 * {@value #RETIRE_AFTER}), so it survives a restart, and a timer deletes them then. A mesh's deletion removes its
 * Secrets with it (the store's cascade).
 * <p>
 * Reacts to Mesh changes from the store's feed (any instance's writes), re-reads every mesh at start and after a feed
 * gap. Threading: every store call and all state live on one worker thread; listeners only hand work to it.
 */
public final class MeshCaManager implements AutoCloseable {
    /** On a CA Secret: when it is deleted (ISO-8601 instant). */
    public static final String RETIRE_AFTER = "ursa.io/ca-retire-after";
    static final String GENERATED = "ursa_mtls_ca_generated";
    static final String RETIRED = "ursa_mtls_ca_retired";
    static final Duration RETRY = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(MeshCaManager.class);
    private static final String CERT_INFIX = ".ca-builtin-cert-";
    private static final String KEY_INFIX = ".ca-builtin-key-";

    private final ResourceStore store;
    private final Clock clock;
    private final Duration retirementDelay;
    private final ScheduledExecutorService worker;
    private final Counter generated;
    private final Counter retired;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    /** Worker thread only. */
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
    /** The armed retirement deadline per mesh (read by tests and diagnostics). */
    private final Map<String, Instant> armed = new ConcurrentHashMap<>();

    public MeshCaManager(ResourceStore store, Clock clock, Duration retirementDelay, MeterRegistry meters) {
        this.store = store;
        this.clock = clock;
        this.retirementDelay = retirementDelay;
        this.worker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ursa-mesh-ca").factory());
        this.generated = Counter.builder(GENERATED).description("builtin mesh CAs this control plane generated and stored").register(meters);
        this.retired = Counter.builder(RETIRED).description("builtin mesh CAs whose Secrets this control plane deleted after retirement")
                .register(meters);
    }

    /** Subscribes to the change feed and reconciles every mesh (in the background; retried while the store fails). */
    public MeshCaManager start() {
        subscriptions.add(store.changes().subscribe(this::onChange));
        subscriptions.add(store.changes().subscribeResync(r -> worker.execute(this::reconcileAllOrRetry)));
        worker.execute(this::reconcileAllOrRetry);
        return this;
    }

    /** Reconciles one mesh now, on the worker, and waits (tests; the fake clock's "later"). */
    public void reconcileNow(String mesh) {
        waitFor(worker.submit(() -> reconcile(mesh)));
    }

    /** The retirement deadline armed for {@code mesh}, if a retired CA of it awaits deletion. */
    public Optional<Instant> armedRetirement(String mesh) {
        return Optional.ofNullable(armed.get(mesh));
    }

    @Override
    public void close() {
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debugf("closing a change subscription: %s", e.getMessage());
            }
        }
        worker.shutdownNow();
    }

    private void onChange(ChangeEvent e) {
        String type = e.key().type();
        if (type.equals(ResourceTypes.MESH.name())) {
            worker.execute(() -> reconcileOrRetry(e.key().name()));
        } else if (type.equals(ResourceTypes.SECRET.name()) && backendOf(e.key().mesh(), e.key().name()).isPresent()) {
            // A CA Secret deleted or edited by hand: restored if its backend is listed, its retirement re-armed if not.
            worker.execute(() -> reconcileOrRetry(e.key().mesh()));
        }
    }

    private void reconcileAllOrRetry() {
        try {
            List<Resource> meshes = join(store.listAll(ListQuery.all(ResourceTypes.MESH)));
            for (Resource mesh : meshes) reconcileOrRetry(mesh.meta().name());
        } catch (RuntimeException e) {
            LOG.warnf("mesh CAs: cannot read the meshes (%s); retrying in %s", e.getMessage(), RETRY);
            worker.schedule(this::reconcileAllOrRetry, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reconcileOrRetry(String mesh) {
        try {
            reconcile(mesh);
        } catch (RuntimeException e) {
            LOG.warnf("mesh CAs of mesh %s: %s; retrying in %s", mesh, e.getMessage(), RETRY);
            worker.schedule(() -> reconcileOrRetry(mesh), RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Brings the CA Secrets of {@code mesh} in line with its backends. Worker thread. */
    private void reconcile(String mesh) {
        for (int attempt = 0; ; attempt++) {
            try {
                reconcileOnce(mesh);
                return;
            } catch (StoreException.Conflict | StoreException.NotFound | StoreException.AlreadyExists e) {
                // Another instance wrote the same Secrets meanwhile: read again and act on what it did.
                if (attempt >= 5) throw e;
            }
        }
    }

    private void reconcileOnce(String mesh) {
        Optional<Resource> meshResource = join(store.get(ResourceKey.of(ResourceTypes.MESH, "", mesh)));
        if (meshResource.isEmpty()) {
            disarm(mesh); // its Secrets went with it (the store's mesh cascade)
            return;
        }
        MeshMtls mtls = meshResource.get().spec(MeshSpec.class).mtls();
        Map<String, MeshMtls.Backend> builtin = new TreeMap<>();
        if (mtls != null) {
            for (MeshMtls.Backend b : mtls.backendsOrEmpty()) {
                if (b != null && b.name() != null && MeshMtls.BUILTIN.equals(b.type())) builtin.put(b.name(), b);
            }
        }
        Map<String, List<Resource>> stored = new TreeMap<>();
        for (Resource secret : join(store.listAll(ListQuery.inMesh(ResourceTypes.SECRET, mesh)))) {
            backendOf(mesh, secret.meta().name()).ifPresent(b -> stored.computeIfAbsent(b, k -> new ArrayList<>()).add(secret));
        }
        for (MeshMtls.Backend backend : builtin.values()) {
            List<Resource> secrets = stored.getOrDefault(backend.name(), List.of());
            ensure(mesh, backend, secrets);
            // Listed again before its deadline: kept for good.
            List<Resource> retiring = secrets.stream().filter(s -> s.meta().labels().containsKey(RETIRE_AFTER)).toList();
            for (Resource secret : retiring) relabel(secret, null);
            if (!retiring.isEmpty()) LOG.infof("mesh %s: builtin CA of backend %s is listed again; its retirement is cancelled", mesh, backend.name());
        }
        Instant next = null;
        for (var e : stored.entrySet()) {
            if (builtin.containsKey(e.getKey())) continue;
            Instant deadline = retire(mesh, e.getKey(), e.getValue());
            if (deadline != null && (next == null || deadline.isBefore(next))) next = deadline;
        }
        if (next == null) disarm(mesh);
        else arm(mesh, next);
    }

    /** Generates and stores the CA of {@code backend} unless both its Secrets exist. */
    private void ensure(String mesh, MeshMtls.Backend backend, List<Resource> secrets) {
        String certName = CaSecrets.builtinCert(mesh, backend.name());
        String keyName = CaSecrets.builtinKey(mesh, backend.name());
        Optional<Resource> cert = secrets.stream().filter(s -> s.meta().name().equals(certName)).findFirst();
        Optional<Resource> key = secrets.stream().filter(s -> s.meta().name().equals(keyName)).findFirst();
        if (cert.isPresent() && key.isPresent()) return;
        BuiltinCaSettings settings;
        try {
            settings = BuiltinCaSettings.of(mesh, backend);
        } catch (IllegalArgumentException e) {
            LOG.warnf("mesh %s: builtin backend %s generates no CA: %s", mesh, backend.name(), e.getMessage());
            return;
        }
        Instant now = clock.instant();
        MeshCa ours = null;
        String keyPem;
        if (key.isEmpty()) {
            MeshCa fresh = MeshCa.generate(mesh, settings.rsaBits(), settings.expiration(), now);
            try {
                join(store.put(secret(mesh, keyName, fresh.keyPem(), Map.of()), Precondition.ABSENT));
                ours = fresh;
                keyPem = fresh.keyPem();
            } catch (StoreException.AlreadyExists e) {
                keyPem = text(join(store.get(ResourceKey.of(ResourceTypes.SECRET, mesh, keyName))).orElseThrow(() -> e));
            }
        } else {
            keyPem = text(key.get());
        }
        if (cert.isEmpty() || (ours != null && !sameKey(cert.get(), ours))) {
            MeshCa ca = ours != null ? ours : MeshCa.selfSigned(mesh, keyPair(Pem.privateKey(keyPem)), settings.expiration(), now);
            Resource certSecret = secret(mesh, certName, ca.certificatePem(), Map.of());
            try {
                // A certificate of a key that is gone (deleted by hand) is replaced; otherwise create-if-absent.
                join(store.put(certSecret, cert.isEmpty() ? Precondition.ABSENT : Precondition.version(cert.get().meta().version())));
                if (ours == null) LOG.infof("mesh %s: builtin CA of backend %s had a key without certificate; issued one for it", mesh, backend.name());
            } catch (StoreException.AlreadyExists e) {
                // another instance completed it from the same key
            }
        }
        if (ours != null) {
            generated.increment();
            LOG.infof("mesh %s: generated builtin CA of backend %s (RSA %d bits, valid until %s, serial %s)", mesh, backend.name(),
                    settings.rsaBits(), ours.certificate().getNotAfter().toInstant(), ours.certificate().getSerialNumber().toString(16));
        }
    }

    /** Records the deadline of a backend's CA no longer listed, or deletes its Secrets once due; returns a pending deadline. */
    private Instant retire(String mesh, String backend, List<Resource> secrets) {
        Instant now = clock.instant();
        Instant deadline = null;
        for (Resource s : secrets) {
            Instant d = deadline(s);
            if (d != null && (deadline == null || d.isBefore(deadline))) deadline = d;
        }
        if (deadline == null) {
            deadline = now.plus(retirementDelay);
            for (Resource s : secrets) relabel(s, deadline);
            LOG.infof("mesh %s: backend %s is no longer listed; its builtin CA stays trusted until %s, then its Secrets are deleted",
                    mesh, backend, deadline);
        } else {
            // Every Secret of the backend carries the deadline (one written by an older instance may lack it).
            for (Resource s : secrets) if (deadline(s) == null) relabel(s, deadline);
        }
        if (now.isBefore(deadline)) return deadline;
        for (Resource s : secrets) {
            try {
                join(store.delete(s.key(), Precondition.ANY));
            } catch (StoreException.NotFound e) {
                // deleted by another instance
            }
        }
        retired.increment();
        LOG.infof("mesh %s: retired the builtin CA of backend %s (deleted its Secrets, due %s)", mesh, backend, deadline);
        return null;
    }

    private void relabel(Resource secret, Instant deadline) {
        Map<String, String> labels = new TreeMap<>(secret.meta().labels());
        if (deadline == null) labels.remove(RETIRE_AFTER);
        else labels.put(RETIRE_AFTER, deadline.toString());
        Meta meta = Meta.fresh(secret.meta().mesh(), secret.meta().name(), labels);
        join(store.put(new Resource(ResourceTypes.SECRET, meta, secret.spec()), Precondition.version(secret.meta().version())));
    }

    private static Instant deadline(Resource secret) {
        String value = secret.meta().labels().get(RETIRE_AFTER);
        if (value == null) return null;
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null; // edited by hand: re-armed from now
        }
    }

    private void arm(String mesh, Instant deadline) {
        if (deadline.equals(armed.get(mesh)) && timers.containsKey(mesh)) return;
        disarm(mesh);
        long delay = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
        timers.put(mesh, worker.schedule(() -> reconcileOrRetry(mesh), delay, TimeUnit.MILLISECONDS));
        armed.put(mesh, deadline);
    }

    private void disarm(String mesh) {
        ScheduledFuture<?> timer = timers.remove(mesh);
        if (timer != null) timer.cancel(false);
        armed.remove(mesh);
    }

    /** The backend whose builtin CA Secret {@code name} is, if it is one of {@code mesh}. */
    static Optional<String> backendOf(String mesh, String name) {
        for (String infix : new String[]{CERT_INFIX, KEY_INFIX}) {
            String prefix = mesh + infix;
            if (name.startsWith(prefix) && name.length() > prefix.length()) return Optional.of(name.substring(prefix.length()));
        }
        return Optional.empty();
    }

    private static Resource secret(String mesh, String name, String pem, Map<String, String> labels) {
        String data = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
        return new Resource(ResourceTypes.SECRET, Meta.fresh(mesh, name, labels), new SecretSpec(data));
    }

    private static String text(Resource secret) {
        return new String(Base64.getDecoder().decode(secret.spec(SecretSpec.class).data()), StandardCharsets.US_ASCII);
    }

    private static boolean sameKey(Resource certSecret, MeshCa ca) {
        try {
            return Pem.certificates(text(certSecret)).get(0).getPublicKey().equals(ca.certificate().getPublicKey());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The key pair of an RSA private key (its public half is in the CRT form PKCS#8 keeps). */
    static KeyPair keyPair(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey rsa)) throw new IllegalStateException("the stored CA key is not an RSA key");
        try {
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new KeyPair(pub, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T join(CompletionStage<T> stage) {
        return waitFor(stage.toCompletableFuture());
    }

    private static <T> T waitFor(Future<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new StoreException.Unavailable("the store did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted", e);
        }
    }
}
