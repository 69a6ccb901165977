package dev.ursa.zone.xds;

import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.zone.ZoneConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the xDS engine from the app's configuration and runs it for the app's lifetime. */
@ApplicationScoped
public class XdsProducer {
    @Produces
    @Singleton
    XdsEngine engine(ResourceStore store, XdsConfig xds, ZoneConfig zone, MeterRegistry meters) {
        return new XdsEngine(store, new XdsSettings(zone.name(), xds.allowUnregisteredClients(), xds.selfRegistrationGrace(), xds.debounce()), meters);
    }

    void start(@Observes StartupEvent event, XdsEngine engine) {
        engine.start();
    }

    void stop(@Observes ShutdownEvent event, XdsEngine engine) throws Exception {
        engine.close();
    }
}
