package dev.ursa.sync;

import dev.ursa.sync.inspect.v1.InspectRequest;
import dev.ursa.sync.inspect.v1.InspectResponse;
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
 * The KDS gRPC service, bound by hand (three methods need no generated stubs; Inspect's messages are generated from
 * {@code src/main/proto/ursa/kds/v1/inspect.proto}):
 * <pre>
 * service KDS {
 *   // the zone is the xDS client: it subscribes and ACKs, the global sends global-owned resources
 *   rpc GlobalToZone(stream DeltaDiscoveryRequest) returns (stream DeltaDiscoveryResponse);
 *   // roles reversed on a zone-dialled stream: the global subscribes and ACKs, the zone sends its resources
 *   rpc ZoneToGlobal(stream DeltaDiscoveryResponse) returns (stream DeltaDiscoveryRequest);
 *   // a zone-dialled stream for the global's questions about the zone's dataplanes (reverse unary calls, as Kuma's
 *   // StreamXDSConfigs): the global sends requests, the zone answers each once, by request id
 *   rpc Inspect(stream InspectResponse) returns (stream InspectRequest);
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

    public static final MethodDescriptor<InspectResponse, InspectRequest> INSPECT =
            MethodDescriptor.<InspectResponse, InspectRequest>newBuilder()
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Inspect"))
                    .setRequestMarshaller(ProtoUtils.marshaller(InspectResponse.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(InspectRequest.getDefaultInstance()))
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

        StreamObserver<InspectResponse> inspect(StreamObserver<InspectRequest> toZone);
    }

    public static ServerServiceDefinition service(Handler handler) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(GLOBAL_TO_ZONE, ServerCalls.asyncBidiStreamingCall(handler::globalToZone))
                .addMethod(ZONE_TO_GLOBAL, ServerCalls.asyncBidiStreamingCall(handler::zoneToGlobal))
                .addMethod(INSPECT, ServerCalls.asyncBidiStreamingCall(handler::inspect))
                .build();
    }

    public static StreamObserver<DeltaDiscoveryRequest> globalToZone(Channel channel, CallOptions options, StreamObserver<DeltaDiscoveryResponse> fromGlobal) {
        return ClientCalls.asyncBidiStreamingCall(channel.newCall(GLOBAL_TO_ZONE, options), fromGlobal);
    }

    public static StreamObserver<DeltaDiscoveryResponse> zoneToGlobal(Channel channel, CallOptions options, StreamObserver<DeltaDiscoveryRequest> fromGlobal) {
        return ClientCalls.asyncBidiStreamingCall(channel.newCall(ZONE_TO_GLOBAL, options), fromGlobal);
    }

    public static StreamObserver<InspectResponse> inspect(Channel channel, CallOptions options, StreamObserver<InspectRequest> fromGlobal) {
        return ClientCalls.asyncBidiStreamingCall(channel.newCall(INSPECT, options), fromGlobal);
    }
}
