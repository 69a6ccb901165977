package dev.ursa.zone.xds;

import io.quarkus.runtime.configuration.DurationConverter;

import java.time.Duration;
import java.util.Optional;

/**
 * What the xDS engine needs from configuration (plain values, so the engine runs without CDI in tests and benchmarks).
 * The defaults are declared here once, as the text {@link XdsConfig} also uses for its {@code @WithDefault}s.
 *
 * @param zone                       this zone's name: the locality of local endpoints
 * @param allowUnregisteredClients   serve nodes with no Dataplane a client-only view
 * @param selfRegistrationGrace      how long a self-registered Dataplane outlives its last stream
 * @param debounce                   how long store changes are collected before a recompute
 * @param renderFaultLabel           failure tests only: policies with this label fail to render (empty = off)
 * @param renewFraction              the part of a workload certificate's lifetime after which it is renewed
 * @param trustPropagation           how long a mesh's new CA is only trusted before it issues certificates
 * @param insightFlushInterval       at most one DataplaneInsight write per node per interval (state changes at once)
 */
public record XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce,
                          Optional<String> renderFaultLabel, double renewFraction, Duration trustPropagation, Duration insightFlushInterval) {
    static final String DEFAULT_ALLOW_UNREGISTERED_CLIENTS = "false";
    static final String DEFAULT_SELF_REGISTRATION_GRACE = "30s";
    static final String DEFAULT_DEBOUNCE = "10ms";
    static final String DEFAULT_RENEW_FRACTION = "0.8";
    static final String DEFAULT_TRUST_PROPAGATION = "15s";
    static final String DEFAULT_INSIGHT_FLUSH_INTERVAL = "5s";

    public XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce) {
        this(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, Optional.empty());
    }

    public XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce,
                       Optional<String> renderFaultLabel) {
        this(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, renderFaultLabel, Double.parseDouble(DEFAULT_RENEW_FRACTION),
                DurationConverter.parseDuration(DEFAULT_TRUST_PROPAGATION), DurationConverter.parseDuration(DEFAULT_INSIGHT_FLUSH_INTERVAL));
    }

    public XdsSettings withRenderFaultLabel(String label) {
        return new XdsSettings(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, Optional.of(label), renewFraction, trustPropagation, insightFlushInterval);
    }

    /** The same settings with other certificate timings (tests: renewal and CA switches within seconds). */
    public XdsSettings withCertificates(double renewFraction, Duration trustPropagation) {
        return new XdsSettings(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, renderFaultLabel, renewFraction, trustPropagation,
                insightFlushInterval);
    }

    /** The same settings with another DataplaneInsight flush interval (tests). */
    public XdsSettings withInsightFlushInterval(Duration interval) {
        return new XdsSettings(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, renderFaultLabel, renewFraction, trustPropagation,
                interval);
    }

    /** The settings of {@code ursa.xds.*} left unset. */
    public static XdsSettings defaults(String zone) {
        return new XdsSettings(zone, Boolean.parseBoolean(DEFAULT_ALLOW_UNREGISTERED_CLIENTS),
                DurationConverter.parseDuration(DEFAULT_SELF_REGISTRATION_GRACE), DurationConverter.parseDuration(DEFAULT_DEBOUNCE));
    }

    /** The settings of {@code ursa.xds.*} for zone {@code zone}. */
    public static XdsSettings of(String zone, XdsConfig config) {
        return new XdsSettings(zone, config.allowUnregisteredClients(), config.selfRegistrationGrace(), config.debounce(),
                config.renderFailureLabel(), config.mtls().renewFraction(), config.mtls().trustPropagation(), config.insightFlushInterval());
    }
}
