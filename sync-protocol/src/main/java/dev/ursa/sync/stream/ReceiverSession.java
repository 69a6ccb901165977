package dev.ursa.sync.stream;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceSink;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Drives a {@link DeltaReceiver} on a live stream: subscribes to its types with what the sink already holds, applies
 * each response to the sink in order (creates and updates, then removals) and answers it with an ACK or NACK.
 * Responses are applied on a serial executor, never on a gRPC thread. If the store is unreachable the stream is
 * failed, so the peer re-sends everything that differs on the next stream.
 */
public final class ReceiverSession {
    private static final System.Logger LOG = System.getLogger(ReceiverSession.class.getName());

    private final DeltaReceiver receiver;
    private final ResourceSink sink;
    private final StreamObserver<DeltaDiscoveryRequest> out;
    private final Executor serial;
    private final KdsListener listener;
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private List<ResourceType> types = List.of();
    private volatile boolean failed;

    public ReceiverSession(List<ResourceType> accepted, ResourceSink sink, StreamObserver<DeltaDiscoveryRequest> out, Executor executor,
                           KdsListener listener) {
        this.receiver = new DeltaReceiver(accepted);
        this.sink = sink;
        this.out = out;
        this.serial = new SerialExecutor(executor);
        this.listener = listener;
    }

    /** Subscribes to {@code types}, in order. */
    public void start(List<ResourceType> types) {
        this.types = List.copyOf(types);
        serial.execute(() -> {
            try {
                for (ResourceType t : this.types) {
                    out.onNext(receiver.subscribe(t, sink.digest(t)));
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        });
    }

    public void onResponse(DeltaDiscoveryResponse response) {
        serial.execute(() -> process(response));
    }

    private void process(DeltaDiscoveryResponse response) {
        if (failed) return;
        try {
            DeltaReceiver.Batch batch = receiver.onResponse(response);
            if (batch.ignored()) {
                LOG.log(System.Logger.Level.WARNING, "ignoring KDS resources of unknown type " + batch.typeUrl() + " (version skew?)");
                listener.ignored(batch.typeUrl(), "unknown resource type");
                out.onNext(receiver.complete(batch, Map.of()));
                return;
            }
            if (batch.versionsWanted()) {
                out.onNext(receiver.subscribeWithVersions(batch.type(), sink.versions(batch.type())));
                return;
            }
            Map<String, String> failures = sink.apply(batch.type(), batch.upserts(), batch.removals());
            if (!failures.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "rejected " + failures.size() + " " + batch.type().name() + " resources: " + failures);
            }
            listener.applied(batch.typeUrl(), batch.upserts().size(), batch.removals().size(), failures);
            out.onNext(receiver.complete(batch, failures));
            if (!synced.isDone() && types.stream().allMatch(receiver::synced)) synced.complete(null);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void fail(RuntimeException e) {
        failed = true;
        LOG.log(System.Logger.Level.WARNING, "KDS stream failed: " + e.getMessage(), e);
        Status status = e instanceof StoreException.Unavailable ? Status.UNAVAILABLE : Status.INTERNAL;
        try {
            out.onError(status.withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException ignored) {
            // the stream is already gone
        }
        synced.completeExceptionally(e);
    }

    /** Ends the stream with {@code status} (e.g. a revoked zone). */
    public void abort(Status status) {
        serial.execute(() -> {
            if (failed) return;
            failed = true;
            try {
                out.onError(status.asRuntimeException());
            } catch (RuntimeException ignored) {
                // already gone
            }
        });
    }

    /** Completes when every subscribed type has had its first response applied. */
    public CompletableFuture<Void> synced() {
        return synced;
    }

    public static String typeUrl(ResourceType t) {
        return KdsTypes.typeUrl(t);
    }
}
