package dev.ursa.zone.xds;

import dev.ursa.zone.xds.auth.XdsAuthMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/** {@code ursa.xds.*}: how the zone serves its data planes (defaults: {@link XdsSettings}). */
@ConfigMapping(prefix = "ursa.xds")
public interface XdsConfig {
    /**
     * Serve nodes that have no Dataplane (registered through REST or self-registered in node metadata) a client-only
     * view of the mesh. Off by default: a node is served only as a Dataplane of the zone. Even when on, every node
     * still presents a dataplane token of its mesh ({@link #auth()}), and a self-registered Dataplane must match it.
     */
    @WithDefault(XdsSettings.DEFAULT_ALLOW_UNREGISTERED_CLIENTS)
    boolean allowUnregisteredClients();

    /**
     * How xDS clients are authenticated: {@code dp-token} (default; dataplanes present a dataplane token, ingresses a
     * zone token with scope ingress) or {@code none} (anyone reaching the xDS port is served as whatever it claims:
     * trusted lab networks only; a WARN is logged at start).
     */
    @WithDefault("dp-token")
    XdsAuthMode auth();

    /** How long a self-registered Dataplane is kept after its last xDS stream closed (a restarting client keeps it). */
    @WithDefault(XdsSettings.DEFAULT_SELF_REGISTRATION_GRACE)
    Duration selfRegistrationGrace();

    /** How long store changes are collected before dataplanes are recomputed (one push per burst of changes). */
    @WithDefault(XdsSettings.DEFAULT_DEBOUNCE)
    Duration debounce();

    /**
     * How often at most a dataplane's DataplaneInsight is written (store, and KDS to the global) while only its
     * counters and versions change; connects, disconnects, NACKs and render errors are written at once.
     */
    @WithDefault(XdsSettings.DEFAULT_INSIGHT_FLUSH_INTERVAL)
    Duration insightFlushInterval();

    /** Workload certificates of meshes with mTLS. */
    Mtls mtls();

    interface Mtls {
        /**
         * The part of a workload certificate's lifetime after which it is renewed (each dataplane's point is spread
         * over the last quarter of that, so certificates issued together do not renew in one burst).
         */
        @WithDefault(XdsSettings.DEFAULT_RENEW_FRACTION)
        double renewFraction();

        /**
         * After a mesh switches CA ({@code mtls.enabledBackend}), how long the new CA is only trusted before it issues
         * certificates: every dataplane, in every zone, must trust it before a peer presents one of its certificates.
         */
        @WithDefault(XdsSettings.DEFAULT_TRUST_PROPAGATION)
        Duration trustPropagation();
    }

    /**
     * For failure tests only, never in production: policies carrying this label fail to render on every dataplane they
     * select, to show that the failure stays contained. Absent (off) by default; a WARN is logged at start when set.
     */
    @WithName("fault-injection.render-failure-label")
    Optional<String> renderFailureLabel();
}
