package dev.ursa.zone.xds;

import dev.ursa.cp.leader.LeaderConfig;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.zone.ZoneConfig;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * Builds the xDS engine from the app's configuration and runs it for the app's lifetime.
 *
 * <p>Extra ADS callbacks: every CDI bean implementing java-control-plane's {@link DiscoveryServerCallbacks} (e.g.
 * authentication) is handed to the engine, in bean priority order ({@code @Priority}, highest first, as ArC sorts an
 * {@code @All List}), and runs before the engine's own callbacks on every stream event: throwing a
 * {@code RequestException} from {@code onV3StreamRequest} / {@code onV3StreamDeltaRequest} refuses the stream before
 * the engine sees the node.
 */
@ApplicationScoped
public class XdsProducer {
    private static final Logger LOG = Logger.getLogger(XdsProducer.class);

    @Produces
    @Singleton
    XdsEngine engine(ResourceStore store, XdsConfig xds, ZoneConfig zone, MeterRegistry meters, @All List<DiscoveryServerCallbacks> callbacks,
                     Leadership replicas, LeaderConfig leader) {
        xds.renderFailureLabel().ifPresent(label -> LOG.warnf("ursa.xds.fault-injection.render-failure-label=%s is set: policies with"
                + " this label fail to render on purpose. This switch is for failure tests only; never set it in production", label));
        LOG.debugf("extra xDS callbacks, in the order they run: %s", callbacks.stream().map(c -> c.getClass().getSimpleName()).toList());
        return new XdsEngine(store, XdsSettings.of(zone.name(), xds), meters, XdsProducer::eventLoopOfNewStream, callbacks,
                replicas, leader.leaseDuration());
    }

    /**
     * Quarkus serves gRPC on Vert.x event loops and opens a stream on its own one: its responses are written from there
     * (tasks run in order on a context), so a push to a thousand clients costs no hop through a sender thread and their
     * writes are flushed together per loop iteration.
     */
    static Executor eventLoopOfNewStream() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) return null;
        return task -> context.runOnContext(ignored -> task.run());
    }

    void start(@Observes StartupEvent event, XdsEngine engine, Instance<GrpcHealthStorage> grpcHealth,
               @ConfigProperty(name = "quarkus.grpc.server.port") int xdsPort) {
        engine.start();
        // Quarkus logs a gRPC server that failed to bind (port in use) and starts anyway, merely unready: a zone CP that
        // cannot serve xDS is of no use, so it stops and its supervisor sees the failure.
        if (grpcHealth.isResolvable()
                && grpcHealth.get().statusForService(GrpcHealthStorage.DEFAULT_SERVICE_NAME).getStatus() != ServingStatus.SERVING) {
            LOG.errorf("the xDS server could not start on port %d (quarkus.grpc.server.port; the gRPC error above says why, e.g."
                    + " the port is in use): stopping", xdsPort);
            Quarkus.asyncExit(1);
        }
    }

    void stop(@Observes ShutdownEvent event, XdsEngine engine) throws Exception {
        engine.close();
    }
}
