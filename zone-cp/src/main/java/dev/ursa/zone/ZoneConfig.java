package dev.ursa.zone;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** {@code ursa.zone.*}: who this zone is and where its global control plane is. */
@ConfigMapping(prefix = "ursa.zone")
public interface ZoneConfig {
    /** The zone's name (required); unique in the federation. */
    String name();

    /**
     * {@code grpcs://host:port} of the global's KDS port (TLS, the default of a global); {@code grpc://} only for a global
     * with {@code ursa.kds.tls.enabled=false}. Absent = standalone zone.
     */
    Optional<String> globalAddress();

    /** The zone token issued by the global ({@code POST /tokens/zone}); prefer {@link #tokenFile()} (not visible in {@code ps}). */
    Optional<String> token();

    /** A file holding the zone token (read at every connect, so a rotated token is picked up). */
    Optional<String> tokenFile();

    /**
     * Where a federated zone keeps what it synced from the global when the store is in memory (a snapshot file,
     * written atomically), so a zone CP restarted while the global is down still serves the last synced policies.
     */
    Optional<String> dataDir();

    /** The KDS client. */
    Kds kds();

    interface Kds {
        /**
         * PEM CA file the global's KDS certificate is verified against ({@code grpcs://} addresses): the global's own CA
         * ({@code GET /kds/ca.pem} on the global) or the CA of its configured certificate. Absent: the JVM's trusted CAs.
         */
        Optional<String> caFile();

        /**
         * {@code true}: a {@code grpcs://} global's certificate is not verified (anyone on the path can read the zone
         * token). For lab networks only; logged as a warning at start.
         */
        @WithDefault("false")
        boolean skipVerify();

        /** Reconnect backoff: first delay, doubled per failed attempt (with jitter) up to {@link #backoffMax()}. */
        @WithDefault("100ms")
        Duration backoffMin();

        @WithDefault("10s")
        Duration backoffMax();

        /** Client keepalive ping interval; a dead global is noticed within this plus the timeout. */
        @WithDefault("10s")
        Duration keepaliveTime();

        @WithDefault("10s")
        Duration keepaliveTimeout();

        /** Local changes within this window go up to the global in one response per type. */
        @WithDefault("20ms")
        Duration batchWindow();

        /**
         * Safety net: the index of this zone's own resources re-lists the store this often and sends the global what the
         * change feed missed (also at once when the feed reports a gap, e.g. Postgres LISTEN reconnected). 0 = never.
         */
        @WithDefault("5m")
        Duration resyncInterval();
    }
}
