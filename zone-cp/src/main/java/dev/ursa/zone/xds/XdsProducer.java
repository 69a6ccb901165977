package dev.ursa.zone.xds;

import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.zone.ZoneConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
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
        return new XdsEngine(store, new XdsSettings(zone.name(), xds.allowUnregisteredClients(), xds.selfRegistrationGrace(), xds.debounce()), meters,
                XdsProducer::eventLoopOfNewStream);
    }

    /**
     * Quarkus serves gRPC on Vert.x event loops and opens a stream on its own one: its responses are written from there
     * (tasks run in order on a context), so a push to a thousand clients costs no hop through a sender thread and their
     * writes are flushed together per loop iteration.
     */
    static java.util.concurrent.Executor eventLoopOfNewStream() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) return null;
        return task -> context.runOnContext(ignored -> task.run());
    }

    void start(@Observes StartupEvent event, XdsEngine engine) {
        engine.start();
    }

    void stop(@Observes ShutdownEvent event, XdsEngine engine) throws Exception {
        engine.close();
    }
}
