package dev.ursa.sync;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * The KDS gRPC service, bound by hand (two methods over Envoy's messages need no generated stubs):
 * <pre>
 * service KDS {
 *   // the zone is the xDS client: it subscribes and ACKs, the global sends global-owned resources
 *   rpc GlobalToZone(stream DeltaDiscoveryRequest) returns (stream DeltaDiscoveryResponse);
 *   // roles reversed on a zone-dialled stream: the global subscribes and ACKs, the zone sends its resources
 *   rpc ZoneToGlobal(stream DeltaDiscoveryResponse) returns (stream DeltaDiscoveryRequest);
 * }
 * </pre>
 */
public final class KdsGrpc {
    public static final String SERVICE = "ursa.kds.v1.KDS";

    public static final MethodDescriptor<DeltaDiscoveryRequest, DeltaDiscoveryResponse> GLOBAL_TO_ZONE =
            MethodDescriptor.<DeltaDiscoveryRequest, DeltaDiscoveryResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "GlobalToZone"))
                    .setRequestMarshaller(ProtoUtils.marshaller(DeltaDiscoveryRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(DeltaDiscoveryResponse.getDefaultInstance()))
                    .build();

    public static final MethodDescriptor<DeltaDiscoveryResponse, DeltaDiscoveryRequest> ZONE_TO_GLOBAL =
            MethodDescriptor.<DeltaDiscoveryResponse, DeltaDiscoveryRequest>newBuilder()
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "ZoneToGlobal"))
                    .setRequestMarshaller(ProtoUtils.marshaller(DeltaDiscoveryResponse.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(DeltaDiscoveryRequest.getDefaultInstance()))
                    .build();

    /** {@code authorization: Bearer <zone token>}. */
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /** The zone the peer says it is; must match the token's zone. */
    public static final Metadata.Key<String> ZONE = Metadata.Key.of("ursa-zone", Metadata.ASCII_STRING_MARSHALLER);
    /** The zone control plane's version (shown in zone insights). */
    public static final Metadata.Key<String> CP_VERSION = Metadata.Key.of("ursa-cp-version", Metadata.ASCII_STRING_MARSHALLER);

    private KdsGrpc() {
    }

    /** What the global implements. */
    public interface Handler {
        StreamObserver<DeltaDiscoveryRequest> globalToZone(StreamObserver<DeltaDiscoveryResponse> toZone);

        StreamObserver<DeltaDiscoveryResponse> zoneToGlobal(StreamObserver<DeltaDiscoveryRequest> toZone);
    }

    public static ServerServiceDefinition service(Handler handler) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(GLOBAL_TO_ZONE, ServerCalls.asyncBidiStreamingCall(handler::globalToZone))
                .addMethod(ZONE_TO_GLOBAL, ServerCalls.asyncBidiStreamingCall(handler::zoneToGlobal))
                .build();
    }

    public static StreamObserver<DeltaDiscoveryRequest> globalToZone(Channel channel, CallOptions options, StreamObserver<DeltaDiscoveryResponse> fromGlobal) {
        return ClientCalls.asyncBidiStreamingCall(channel.newCall(GLOBAL_TO_ZONE, options), fromGlobal);
    }

    public static StreamObserver<DeltaDiscoveryResponse> zoneToGlobal(Channel channel, CallOptions options, StreamObserver<DeltaDiscoveryRequest> fromGlobal) {
        return ClientCalls.asyncBidiStreamingCall(channel.newCall(ZONE_TO_GLOBAL, options), fromGlobal);
    }
}
