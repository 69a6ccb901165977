package dev.ursa.cp.api.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** {@code ursa.api.*}: who may call the admin API (docs/security.md, "Admin API"). */
@ConfigMapping(prefix = "ursa.api")
public interface ApiAuthConfig {
    /** Requests from this host's loopback without credentials are admin (Kuma's default). Off: every caller needs a token. */
    @WithDefault("true")
    boolean localhostIsAdmin();

    /**
     * Where to write an admin user token at start (mode 0600), for operators who cannot use loopback. A file already
     * holding a valid admin token of this control plane is kept; otherwise a new token replaces it.
     */
    Optional<String> adminTokenFile();

    /** Validity of the token written to {@link #adminTokenFile()}. */
    @WithDefault("24h")
    Duration adminTokenValidFor();

    /** HTTPS on the admin port ({@code dev.ursa.cp.api.ApiTlsActivation} maps it to Quarkus' HTTP TLS settings). */
    Tls tls();

    interface Tls {
        /** PEM certificate chain. */
        Optional<String> certFile();

        /** PEM private key of {@link #certFile()}. */
        Optional<String> keyFile();
    }
}
