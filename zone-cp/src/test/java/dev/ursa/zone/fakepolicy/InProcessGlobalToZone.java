package dev.ursa.zone.fakepolicy;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.ResourceSink;
import dev.ursa.sync.stream.KdsListener;
import dev.ursa.sync.stream.ReceiverSession;
import dev.ursa.sync.stream.SenderSession;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One GlobalToZone KDS stream without a network: the global's {@link SenderSession} over its {@link ResourceIndex},
 * the zone's {@link ReceiverSession} into its sink, each side's messages handed straight to the other (what
 * {@code KdsServerHandler} and {@code KdsZoneClient} wire over gRPC). Responses reach the receiver on the sender's timer
 * thread and are applied on the receiver's own serial executor; requests reach the sender on that executor.
 */
public final class InProcessGlobalToZone implements AutoCloseable {
    private final SenderSession sender;

    public InProcessGlobalToZone(ResourceIndex global, List<ResourceType> types, ResourceSink zone, ScheduledExecutorService timer,
                          Executor workers, KdsListener globalSide) {
        ToZone toZone = new ToZone();
        sender = new SenderSession(global, v -> true, toZone, timer, Duration.ofMillis(10), Clock.systemUTC(), 1 << 20, globalSide);
        ReceiverSession receiver = new ReceiverSession(types, zone, new ToGlobal(sender), workers, KdsListener.NONE);
        toZone.receiver = receiver;
        sender.start();
        receiver.start(types);
    }

    @Override
    public void close() {
        sender.close();
    }

    /** The global's response stream: always ready, delivers to the zone's receiver. */
    private static final class ToZone extends CallStreamObserver<DeltaDiscoveryResponse> {
        volatile ReceiverSession receiver;

        @Override
        public void onNext(DeltaDiscoveryResponse response) {
            receiver.onResponse(response);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReady) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }
    }

    /** The zone's request stream: subscriptions, ACKs and NACKs go to the global's sender. */
    private record ToGlobal(SenderSession sender) implements StreamObserver<DeltaDiscoveryRequest> {
        @Override
        public void onNext(DeltaDiscoveryRequest request) {
            sender.onRequest(request);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
