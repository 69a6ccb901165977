package dev.ursa.global.kds;

import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.mesh.store.ResourceStore;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLException;
import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TLS of the global's KDS port ({@code ursa.kds.tls.*}): a configured certificate, or one issued at start by the global's
 * own CA, which is generated once per database and kept as the internal secret {@value #CA_SECRET} (every global sharing
 * the database then serves certificates zones verify with the same CA file, {@code GET /kds/ca.pem}). The CA is loaded
 * on first use (blocking: KDS start and worker threads only) and then kept.
 */
@ApplicationScoped
public class KdsTls {
    private static final Logger LOG = Logger.getLogger(KdsTls.class);
    static final String CA_SECRET = "kds-tls-ca";

    private final KdsConfig config;
    private final ResourceStore store;
    private final Clock clock = Clock.systemUTC();
    private volatile KdsCertificateAuthority ca;

    public KdsTls(KdsConfig config, ResourceStore store) {
        this.config = config;
        this.store = store;
    }

    public boolean enabled() {
        return config.tls().enabled();
    }

    Optional<String> certFile() {
        return config.tls().certFile().or(config::tlsCertFile);
    }

    private Optional<String> keyFile() {
        return config.tls().keyFile().or(config::tlsKeyFile);
    }

    /** Whether the global serves a certificate of its own CA (TLS on, no certificate configured). */
    public boolean ownCa() {
        return enabled() && certFile().isEmpty();
    }

    /** The server context for KDS: the configured certificate, or one issued by the global's CA for its names. */
    SslContext serverContext() throws SSLException {
        if (certFile().isPresent()) {
            String key = keyFile().orElseThrow(() -> new IllegalStateException("ursa.kds.tls.cert-file is set but ursa.kds.tls.key-file is not"));
            return GrpcSslContexts.forServer(new File(certFile().get()), new File(key)).build();
        }
        KdsCertificateAuthority authority = authority();
        KdsCertificateAuthority.Issued server = authority.issueServer(names(), clock.instant());
        return GrpcSslContexts.configure(SslContextBuilder.forServer(server.key(), server.certificate(), authority.certificate())).build();
    }

    /** The CA certificate (PEM) zones verify KDS with, when the global serves its own; empty otherwise. */
    public Optional<String> caPem() {
        return ownCa() ? Optional.of(KdsCertificateAuthority.pem(authority().certificate())) : Optional.empty();
    }

    /** For the start log line. */
    String describe() {
        if (!enabled()) return "plaintext (ursa.kds.tls.enabled=false)";
        return certFile().map(f -> "TLS, certificate " + f).orElse("TLS, certificate of the global's own CA (GET /kds/ca.pem), names " + names());
    }

    /** The names the generated server certificate is valid for. */
    List<String> names() {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            LOG.debugf("no host name for the KDS certificate: %s", e.getMessage());
        }
        config.tls().hostnames().ifPresent(names::addAll);
        return names.stream().map(String::trim).filter(n -> !n.isEmpty()).distinct().toList();
    }

    private synchronized KdsCertificateAuthority authority() {
        if (ca == null) {
            String stored = StoredSecrets.read(store, CA_SECRET).orElseGet(() -> {
                LOG.info("generating the KDS certificate authority (first start of a global on this database)");
                return StoredSecrets.createIfAbsent(store, CA_SECRET, KdsCertificateAuthority.generate(clock.instant()).toJson());
            });
            ca = KdsCertificateAuthority.fromJson(stored);
        }
        return ca;
    }
}
