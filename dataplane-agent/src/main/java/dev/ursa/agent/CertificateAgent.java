package dev.ursa.agent;

import dev.ursa.workload.v1.SignResponse;
import dev.ursa.workload.v1.TrustResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The agent's work: writes the xDS bootstrap, then keeps a certificate set from the zone CP in place. One loop on
 * the caller's thread with two due times: Sign (at the certificate's renew_after, at once after a CA rotation, with
 * backoff after a failure) and GetTrust (every trust-poll, with backoff after a failure). Files in place are never
 * deleted: a CP that cannot be reached leaves the workload with the last valid set until it expires.
 * <p>
 * Before the CP has accepted a call, a refusal (UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT) ends the agent
 * ({@link ExitCodes#REFUSED}): a wrong token does not fix itself. Afterwards, refusals are reported and retried.
 */
public final class CertificateAgent implements AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** The shortest wait before a renewal, whatever renew_after says: a CP answering with a past time cannot spin us. */
    static final Duration MIN_RENEWAL_WAIT = Duration.ofSeconds(1);
    static final double RENEW_FRACTION_IF_UNSET = 0.7;
    private static final Set<Status.Code> REFUSALS =
            EnumSet.of(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.INVALID_ARGUMENT);

    private final AgentOptions options;
    private final BackoffPolicy backoff;
    private final Clock clock;
    private final CpClient cp;
    private final CertificateDirectory files;
    private final Object wakeUp = new Object();
    private volatile boolean stopped;
    private volatile AgentStatus status = AgentStatus.INITIAL;

    // The loop's state: touched by the loop's thread only.
    private boolean bootstrapWritten;
    private boolean accepted; // the CP answered a call: refusals are retried from now on, not fatal
    private Boolean mtls;
    private Current current;
    private boolean signedHere; // a set in place from an earlier run is replaced at start (its identity may be stale)
    private Instant signDue;
    private Instant trustDue;
    private int signFailures;
    private int trustFailures;
    private String signError;
    private String trustError;
    private Instant lastRenewal;

    /** The set in place and when to replace it (null: at once, once mTLS is known to be on). */
    private record Current(CertificateSet set, CertificateInfo info, Instant renewAfter) {
    }

    public CertificateAgent(AgentOptions options, BackoffPolicy backoff, Clock clock) {
        this.options = options;
        this.backoff = backoff;
        this.clock = clock;
        Log.redact(options.token());
        this.cp = new CpClient(options.cp(), options.token(), CALL_TIMEOUT);
        this.files = new CertificateDirectory(options.dir());
    }

    public CertificateAgent(AgentOptions options) {
        this(options, BackoffPolicy.standard(), Clock.systemUTC());
    }

    /** Runs until {@link #close}. Throws when it cannot start: files not writable, or the CP refused it. */
    public void run() throws AgentException {
        loop(() -> false, null);
    }

    /** Writes the bootstrap and one certificate set (nothing more when mTLS is off), then returns. */
    public void runOnce(Duration timeout) throws AgentException {
        loop(() -> signedHere || Boolean.FALSE.equals(mtls), clock.instant().plus(timeout));
        if (!signedHere && !Boolean.FALSE.equals(mtls) && !stopped) {
            throw new AgentException(ExitCodes.FAILED, "no certificate within " + timeout + ": " + lastError());
        }
    }

    public AgentStatus status() {
        return status;
    }

    public Clock clock() {
        return clock;
    }

    /** Stops the loop (an in-flight call is cancelled) and closes the channel. */
    @Override
    public void close() {
        stopped = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        cp.close();
    }

    private void loop(BooleanSupplier done, Instant deadline) throws AgentException {
        try (AgentLock lock = prepare()) {
            trustDue = clock.instant();
            while (!stopped && !done.getAsBoolean()) {
                Instant now = clock.instant();
                if (deadline != null && !now.isBefore(deadline)) return;
                Instant next = signDue == null || trustDue.isBefore(signDue) ? trustDue : signDue;
                if (deadline != null && deadline.isBefore(next)) next = deadline;
                if (now.isBefore(next)) {
                    waitUntil(next);
                } else if (signDue != null && !signDue.isAfter(now)) {
                    sign(now);
                } else {
                    trust(now);
                }
                publishStatus();
            }
        }
    }

    private AgentLock prepare() throws AgentException {
        Path dir = options.dir();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(AtomicFiles.DIRECTORY));
            }
        } catch (IOException e) {
            throw new AgentException(ExitCodes.FAILED, "cannot create the directory " + dir + ": " + e, e);
        }
        AgentLock lock = AgentLock.acquire(dir);
        try {
            files.cleanUp();
            removeStaleTempFiles(dir);
            Path bootstrap = XdsBootstrap.write(options);
            bootstrapWritten = true;
            Log.info("wrote the xDS bootstrap " + bootstrap + " (node " + options.nodeId() + ", xDS server " + options.cp() + ")");
        } catch (IOException e) {
            lock.close();
            throw new AgentException(ExitCodes.FAILED, "cannot write into " + dir + ": " + e, e);
        }
        loadSetInPlace();
        publishStatus();
        return lock;
    }

    /** A set left by an earlier run serves (and counts for health) until the first Sign of this run replaces it. */
    private void loadSetInPlace() {
        try {
            files.read().ifPresent(set -> {
                CertificateInfo info = CertificateInfo.of(set, null);
                current = new Current(set, info, null);
                Log.info("found a certificate set in place: " + info.identities() + ", valid until " + info.notAfter());
            });
        } catch (IOException | IllegalArgumentException e) {
            Log.warn("the certificate set in place is not usable (it stays until a new one replaces it): " + e.getMessage());
        }
    }

    private void trust(Instant now) throws AgentException {
        TrustResponse r;
        try {
            r = cp.trust(options.nodeId());
        } catch (StatusRuntimeException e) {
            if (stopped) return; // close() cancelled the call
            failOrRetry(e, "GetTrust");
            trustFailures++;
            Duration wait = backoff.delay(trustFailures);
            trustDue = now.plus(wait);
            trustError = describe("GetTrust", e);
            Log.warn(trustError + "; next try in " + wait.toMillis() + " ms");
            cp.reconnectNow();
            return;
        }
        accepted = true;
        if (trustFailures > 0) Log.info("GetTrust works again after " + trustFailures + " failures");
        trustFailures = 0;
        trustError = null;
        trustDue = now.plus(options.trustPoll());

        if (!r.getMtlsEnabled()) {
            if (!Boolean.FALSE.equals(mtls)) {
                Log.info("mTLS is off in mesh " + options.mesh() + ": the files in place stay; asking again every "
                        + options.trustPoll().toMillis() + " ms");
            }
            mtls = false;
            signDue = null;
            return;
        }
        if (!Boolean.TRUE.equals(mtls)) Log.info("mTLS is on in mesh " + options.mesh());
        mtls = true;

        boolean renewNow = current == null || !signedHere || !current.info().validAt(now);
        String issuer = r.getIssuerId();
        if (!renewNow && !issuer.isEmpty() && !issuer.equals(current.info().issuerId())) {
            Log.info("the mesh CA changed (issuer " + shortId(current.info().issuerId()) + " -> " + shortId(issuer)
                    + "): renewing now");
            renewNow = true;
        }
        if (renewNow) {
            if (signFailures == 0 && (signDue == null || signDue.isAfter(now))) signDue = now; // else: in backoff
        } else if (signDue == null) {
            signDue = current.renewAfter();
        }
        boolean signingNow = signDue != null && !signDue.isAfter(now);
        if (current != null && !signingNow && !r.getTrustBundlePem().isEmpty()
                && !sameCertificates(current.set().trustBundlePem(), r.getTrustBundlePem())) {
            updateTrustBundle(r.getTrustBundlePem());
        }
    }

    private void updateTrustBundle(String bundlePem) {
        CertificateSet set = current.set().withTrustBundle(bundlePem);
        try {
            Pem.certificates(bundlePem, "GetTrust's trust bundle");
            files.publish(set);
            current = new Current(set, current.info(), current.renewAfter());
            Log.info("the mesh's trust bundle changed: wrote the new " + CertificateDirectory.CA_FILE);
        } catch (IOException | IllegalArgumentException e) {
            trustError = "cannot update the trust bundle: " + e.getMessage();
            Log.warn(trustError);
        }
    }

    private void sign(Instant now) throws AgentException {
        WorkloadKey key = WorkloadKey.generate(options.nodeId()); // a fresh key for every certificate
        SignResponse r;
        try {
            r = cp.sign(options.nodeId(), options.dataplane(), key.csrDer());
        } catch (StatusRuntimeException e) {
            if (stopped) return; // close() cancelled the call
            failOrRetry(e, "Sign");
            signFailed(now, describe("Sign", e));
            cp.reconnectNow();
            return;
        }
        accepted = true;
        CertificateSet set = new CertificateSet(r.getCertificateChainPem(), key.privateKeyPem(), r.getTrustBundlePem());
        CertificateInfo info;
        try {
            info = CertificateInfo.of(set, r.getIssuerId());
            if (!now.isBefore(info.notAfter())) throw new IllegalArgumentException("the certificate expired at " + info.notAfter());
        } catch (IllegalArgumentException e) {
            signFailed(now, "the zone CP's Sign answer is not usable: " + e.getMessage());
            return;
        }
        try {
            files.publish(set);
        } catch (IOException e) {
            signFailed(now, "cannot write the certificate set into " + options.dir() + ": " + e);
            return;
        }
        Instant renewAfter = renewAfter(r, info, now);
        current = new Current(set, info, renewAfter);
        signedHere = true;
        if (signFailures > 0) Log.info("Sign works again after " + signFailures + " failures");
        signFailures = 0;
        signError = null;
        lastRenewal = now;
        signDue = renewAfter;
        Log.info("wrote a new certificate: " + info.identities() + ", issuer " + shortId(info.issuerId())
                + ", valid until " + info.notAfter() + ", renewing at " + renewAfter);
    }

    private void signFailed(Instant now, String error) {
        signFailures++;
        Duration wait = backoff.delay(signFailures);
        signDue = now.plus(wait);
        signError = error;
        Log.warn(error + "; next try in " + wait.toMillis() + " ms"
                + (current != null ? " (the certificate in place is valid until " + current.info().notAfter() + ")" : ""));
    }

    /** Ends the agent on a refusal before the CP ever accepted it; otherwise the caller retries. */
    private void failOrRetry(StatusRuntimeException e, String call) throws AgentException {
        Status s = e.getStatus();
        if (!accepted && REFUSALS.contains(s.getCode())) {
            throw new AgentException(ExitCodes.REFUSED, Log.clean("the zone CP at " + options.cp() + " refused " + call
                    + " for node " + options.nodeId() + " (" + s.getCode() + "): "
                    + (s.getDescription() == null ? "no reason given" : s.getDescription())));
        }
    }

    private static String describe(String call, StatusRuntimeException e) {
        Status s = e.getStatus();
        StringBuilder out = new StringBuilder(call).append(" failed: ").append(s.getCode());
        if (s.getDescription() != null) out.append(": ").append(s.getDescription());
        if (s.getCause() != null && s.getCause().getMessage() != null) out.append(" (").append(s.getCause().getMessage()).append(')');
        return Log.clean(out.toString());
    }

    private Instant renewAfter(SignResponse r, CertificateInfo info, Instant now) {
        Instant at;
        if (r.hasRenewAfter() && (r.getRenewAfter().getSeconds() != 0 || r.getRenewAfter().getNanos() != 0)) {
            at = Instant.ofEpochSecond(r.getRenewAfter().getSeconds(), r.getRenewAfter().getNanos());
        } else {
            long lifetime = Duration.between(now, info.notAfter()).toMillis();
            at = now.plusMillis((long) (lifetime * RENEW_FRACTION_IF_UNSET));
        }
        return at.isAfter(now) ? at : now.plus(MIN_RENEWAL_WAIT);
    }

    private void waitUntil(Instant next) {
        long millis = Math.max(1, Duration.between(clock.instant(), next).toMillis());
        synchronized (wakeUp) {
            if (stopped) return;
            try {
                wakeUp.wait(millis); // the next due time, or close()
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }
    }

    private void publishStatus() {
        status = new AgentStatus(bootstrapWritten, mtls, current == null ? null : current.info(), lastRenewal,
                Boolean.TRUE.equals(mtls) ? signDue : null, lastError(), Math.max(signFailures, trustFailures));
    }

    private String lastError() {
        return signError != null ? signError : trustError;
    }

    private static boolean sameCertificates(String a, String b) {
        try {
            List<X509Certificate> x = Pem.certificates(a, "trust bundle");
            List<X509Certificate> y = Pem.certificates(b, "trust bundle");
            return x.equals(y); // X509Certificate equality: same DER
        } catch (IllegalArgumentException e) {
            return a.equals(b);
        }
    }

    private static String shortId(String issuerId) {
        return issuerId == null || issuerId.isEmpty() ? "unknown" : issuerId.substring(0, Math.min(12, issuerId.length()));
    }

    private static void removeStaleTempFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "." + XdsBootstrap.FILE + AtomicFiles.TEMP_MARK + "*")) {
            for (Path temp : temps) Files.deleteIfExists(temp);
        }
    }
}
