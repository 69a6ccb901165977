package dev.ursa.global.kds;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code ursa.kds.*}: the global's KDS server. */
@ConfigMapping(prefix = "ursa.kds")
public interface KdsConfig {
    /** The KDS gRPC port (contract: 5685; {@code quarkus.grpc.server.port} is honoured too). 0 = any free port. */
    @WithDefault("${quarkus.grpc.server.port:5685}")
    int port();

    /** {@code token} (default): zones authenticate with a zone token. {@code none}: trust the zone header (local runs only). */
    @WithDefault("token")
    Auth auth();

    /** TLS on KDS: on by default. */
    Tls tls();

    /** Older name of {@code ursa.kds.tls.cert-file}, still honoured. */
    @Deprecated
    Optional<String> tlsCertFile();

    /** Older name of {@code ursa.kds.tls.key-file}, still honoured. */
    @Deprecated
    Optional<String> tlsKeyFile();

    /** Changes within this window go out in one response per type. */
    @WithDefault("20ms")
    Duration batchWindow();

    /** Responses are split so that their resources stay below this many bytes (gRPC's default limit is 4 MiB). */
    @WithDefault("1048576")
    int maxResponseBytes();

    /** Server pings an idle connection this often... */
    @WithDefault("10s")
    Duration keepaliveTime();

    /** ...and drops it (a dead peer) when the ping is not answered within this. */
    @WithDefault("10s")
    Duration keepaliveTimeout();

    /** How often zone insights are written while a stream is busy (connects and disconnects are written at once). */
    @WithDefault("1s")
    Duration insightInterval();

    /**
     * Safety net: the index of global resources re-lists the store this often and sends zones whatever the change feed
     * missed (it also does so at once whenever the feed reports a gap, e.g. Postgres LISTEN reconnected). 0 = never.
     */
    @WithDefault("5m")
    Duration resyncInterval();

    /**
     * How long {@code GET .../dataplanes/{zone}.{name}/_config} and {@code _policies} wait for the zone's answer over
     * KDS's Inspect stream before answering 504.
     */
    @WithDefault("10s")
    Duration inspectTimeout();

    /** How many such requests may wait for one zone's answers at once; more are answered 429 at once. */
    @WithDefault("32")
    int inspectMaxInFlight();

    /** {@code ursa.kds.tls.*}. */
    interface Tls {
        /**
         * {@code true} (default): KDS listens with TLS only, and zone tokens are never accepted on a plaintext stream.
         * {@code false}: plaintext KDS, for trusted lab networks only (logged as a warning at start).
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * PEM certificate chain to serve. Absent (with {@code ursa.kds.tls-cert-file} absent too): the global serves a
         * certificate issued by its own CA, generated once and kept in the store; zones get that CA at
         * {@code GET /kds/ca.pem}.
         */
        Optional<String> certFile();

        /** PEM private key (PKCS#8) of {@link #certFile()}. */
        Optional<String> keyFile();

        /**
         * Names and addresses zones dial the global by, added to the generated certificate's subject alternative names
         * (localhost, 127.0.0.1 and this host's name are always in).
         */
        Optional<List<String>> hostnames();
    }

    enum Auth {
        token,
        none
    }
}
