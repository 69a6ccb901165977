package dev.ursa.zone.xds;

import java.time.Duration;

/**
 * What the xDS engine needs from configuration (plain values, so the engine runs without CDI in tests and benchmarks).
 *
 * @param zone                       this zone's name: the locality of local endpoints
 * @param allowUnregisteredClients   serve nodes with no Dataplane a client-only view
 * @param selfRegistrationGrace      how long a self-registered Dataplane outlives its last stream
 * @param debounce                   how long store changes are collected before a recompute
 */
public record XdsSettings(String zone, boolean allowUnregisteredClients, Duration selfRegistrationGrace, Duration debounce) {
    public static XdsSettings defaults(String zone) {
        return new XdsSettings(zone, true, Duration.ofSeconds(30), Duration.ofMillis(10));
    }
}
