package dev.ursa.zone.xds;

import java.time.Duration;
import java.util.Optional;

/**
 * What the xDS engine needs from configuration (plain values, so the engine runs without CDI in tests and benchmarks).
 *
 * @param zone                       this zone's name: the locality of local endpoints
 * @param allowUnregisteredClients   serve nodes with no Dataplane a client-only view
 * @param selfRegistrationGrace      how long a self-registered Dataplane outlives its last stream
 * @param debounce                   how long store changes are collected before a recompute
 * @param renderFaultLabel           failure tests only: policies with this label fail to render (empty = off)
 */
public record XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce,
                          Optional<String> renderFaultLabel) {
    public XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce) {
        this(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, Optional.empty());
    }

    public XdsSettings withRenderFaultLabel(String label) {
        return new XdsSettings(zone, allowUnregisteredClients, selfRegistrationGrace, debounce, Optional.of(label));
    }

    public static XdsSettings defaults(String zone) {
        return new XdsSettings(zone, true, Duration.ofSeconds(30), Duration.ofMillis(10));
    }
}
