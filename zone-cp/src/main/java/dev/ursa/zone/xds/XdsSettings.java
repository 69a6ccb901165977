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
 */
public record XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce,
                          Optional<String> renderFaultLabel) {
    static final String DEFAULT_ALLOW_UNREGISTERED_CLIENTS = "false";
    static final String DEFAULT_SELF_REGISTRATION_GRACE = "30s";
    static final String DEFAULT_DEBOUNCE = "10ms";

    public XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce) {
        this(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, Optional.empty());
    }

    public XdsSettings withRenderFaultLabel(String label) {
        return new XdsSettings(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, Optional.of(label));
    }

    /** The settings of {@code ursa.xds.*} left unset. */
    public static XdsSettings defaults(String zone) {
        return new XdsSettings(zone, Boolean.parseBoolean(DEFAULT_ALLOW_UNREGISTERED_CLIENTS),
                DurationConverter.parseDuration(DEFAULT_SELF_REGISTRATION_GRACE), DurationConverter.parseDuration(DEFAULT_DEBOUNCE));
    }

    /** The settings of {@code ursa.xds.*} for zone {@code zone}. */
    public static XdsSettings of(String zone, XdsConfig config) {
        return new XdsSettings(zone, config.allowUnregisteredClients(), config.selfRegistrationGrace(), config.debounce(),
                config.renderFailureLabel());
    }
}
