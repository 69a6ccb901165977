package dev.ursa.cp.store;

import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.eclipse.microprofile.config.Config;

import java.util.List;
import java.util.Optional;

/**
 * The TLS settings of Quarkus' reactive datasource ({@code quarkus.datasource.reactive.*}), applied to connect options
 * of our own: the LISTEN connection of the change feed is opened outside the datasource's pool, and must reach the
 * same server the same way (a server that requires TLS refuses it otherwise, and a plaintext LISTEN would bypass the
 * operator's choice). Mirrors what Quarkus' {@code PgPoolRecorder} does for the pool, key by key: an {@code sslmode}
 * in the URL is read by {@link PgConnectOptions#fromUri}; {@code postgresql.ssl-mode} overrides it.
 */
final class DatasourceTls {
    static final String PREFIX = "quarkus.datasource.reactive.";
    /** Quarkus' default: no host name check unless asked for. */
    private static final String NO_VERIFICATION = "NONE";

    private DatasourceTls() {
    }

    static PgConnectOptions apply(Config config, PgConnectOptions options) {
        // "verify-full" as documented, or the enum constant VERIFY_FULL, which Quarkus' converter accepts as well.
        string(config, "postgresql.ssl-mode").map(v -> SslMode.of(v.trim().replace('_', '-'))).ifPresent(options::setSslMode);
        String algorithm = string(config, "hostname-verification-algorithm").orElse(NO_VERIFICATION);
        boolean verifyHost = !NO_VERIFICATION.equalsIgnoreCase(algorithm);
        if (options.getSslMode() == SslMode.VERIFY_FULL && !verifyHost) {
            // As Quarkus refuses it for the pool: verify-full without a host name check would not be verify-full.
            throw new IllegalArgumentException(PREFIX + "hostname-verification-algorithm must be specified under verify-full sslmode");
        }
        options.setHostnameVerificationAlgorithm(verifyHost ? algorithm : "");
        options.setTrustAll(flag(config, "trust-all"));

        List<String> trustedPem = strings(config, "trust-certificate-pem.certs");
        // Like Quarkus: listing certs enables it; trust-certificate-pem=true without certs trusts no server at all.
        if (flag(config, "trust-certificate-pem") || !trustedPem.isEmpty()) {
            PemTrustOptions pem = new PemTrustOptions();
            trustedPem.forEach(pem::addCertPath);
            options.setTrustOptions(pem);
        }
        store(config, "trust-certificate-jks").map(DatasourceTls::jks).ifPresent(options::setTrustOptions);
        store(config, "trust-certificate-pfx").map(DatasourceTls::pfx).ifPresent(options::setTrustOptions);

        if (flag(config, "key-certificate-pem")) {
            PemKeyCertOptions pem = new PemKeyCertOptions();
            strings(config, "key-certificate-pem.keys").forEach(pem::addKeyPath);
            strings(config, "key-certificate-pem.certs").forEach(pem::addCertPath);
            options.setKeyCertOptions(pem);
        }
        store(config, "key-certificate-jks").map(DatasourceTls::jks).ifPresent(options::setKeyCertOptions);
        store(config, "key-certificate-pfx").map(DatasourceTls::pfx).ifPresent(options::setKeyCertOptions);
        return options;
    }

    /** A JKS or PKCS#12 key or trust store, when enabled. */
    private record Store(String path, String password) {
    }

    private static Optional<Store> store(Config config, String key) {
        if (!flag(config, key)) return Optional.empty();
        return Optional.of(new Store(string(config, key + ".path").orElse(null), string(config, key + ".password").orElse(null)));
    }

    private static JksOptions jks(Store s) {
        return new JksOptions().setPath(s.path()).setPassword(s.password());
    }

    private static PfxOptions pfx(Store s) {
        return new PfxOptions().setPath(s.path()).setPassword(s.password());
    }

    private static boolean flag(Config config, String key) {
        return config.getOptionalValue(PREFIX + key, Boolean.class).orElse(false);
    }

    private static Optional<String> string(Config config, String key) {
        return config.getOptionalValue(PREFIX + key, String.class).filter(v -> !v.isBlank());
    }

    private static List<String> strings(Config config, String key) {
        return config.getOptionalValues(PREFIX + key, String.class).orElse(List.of());
    }
}
