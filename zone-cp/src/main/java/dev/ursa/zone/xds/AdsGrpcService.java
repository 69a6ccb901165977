package dev.ursa.zone.xds;

import dev.ursa.zone.xds.auth.XdsStreamInterceptor;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;

/**
 * ADS (SotW and delta) on the zone's gRPC port ({@code quarkus.grpc.server.port}, 5678), served by {@link XdsEngine}.
 * Implements {@link BindableService} itself: Quarkus finds gRPC services by their implemented interface in its index,
 * and the generated {@code AggregatedDiscoveryServiceImplBase} lives in an unindexed jar. Extra java-control-plane
 * callbacks (e.g. authentication) are CDI beans: see {@link XdsProducer}; the authentication's
 * {@link XdsStreamInterceptor} wraps every call.
 */
@GrpcService
@RegisterInterceptor(XdsStreamInterceptor.class) // xDS authentication: the authorization header, closing streams later
public class AdsGrpcService implements BindableService {
    private final XdsEngine engine;

    public AdsGrpcService(XdsEngine engine) {
        this.engine = engine;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return engine.ads().bindService();
    }
}
