package dev.ursa.zone.ingress;

import dev.ursa.cp.leader.LeaderConfig;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.zone.ZoneConfig;
import dev.ursa.zone.xds.XdsConfig;
import dev.ursa.zone.xds.XdsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Runs the zone's ingress registry on the xDS engine's ADS server. An ingress is gone when its last stream closed
 * {@code ursa.xds.self-registration-grace} ago (the same grace as a self-registered dataplane).
 */
@ApplicationScoped
public class IngressProducer {
    @Produces
    @Singleton
    ZoneIngressRegistry registry(XdsEngine engine, ResourceStore store, ZoneConfig zone, XdsConfig xds, MeterRegistry meters, LeaderConfig leader) {
        return ZoneIngressRegistry.attachTo(engine, store, zone.name(), xds.selfRegistrationGrace(), xds.debounce(), meters, leader.leaseDuration());
    }

    // Before the engine's own start observer (default priority), so ingress nodes are recognised from the first stream.
    void start(@Observes @Priority(1) StartupEvent event, ZoneIngressRegistry registry) {
        registry.start();
    }

    void stop(@Observes ShutdownEvent event, ZoneIngressRegistry registry) throws Exception {
        registry.close();
    }
}
