package dev.ursa.zone.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.stub.StreamObserver;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * xDS clients may send the node on a stream's first request only (Envoy always does on delta streams), while
 * java-control-plane's cache files every request's watch under that request's node id: without this a later
 * subscription or ACK would wait under the empty id and never be answered.
 *
 * <p>Threads: gRPC delivers a stream's requests one at a time, so the remembered node needs no lock.
 */
final class NodeOnEveryRequest<R> implements StreamObserver<R> {
    private final StreamObserver<R> delegate;
    private final Predicate<R> hasNode;
    private final Function<R, Node> node;
    private final BiFunction<R, Node, R> withNode;
    private Node first;

    NodeOnEveryRequest(StreamObserver<R> delegate, Predicate<R> hasNode, Function<R, Node> node, BiFunction<R, Node, R> withNode) {
        this.delegate = delegate;
        this.hasNode = hasNode;
        this.node = node;
        this.withNode = withNode;
    }

    @Override
    public void onNext(R request) {
        if (hasNode.test(request)) {
            if (first == null) first = node.apply(request);
        } else if (first != null) {
            request = withNode.apply(request, first);
        }
        delegate.onNext(request);
    }

    @Override
    public void onError(Throwable t) {
        delegate.onError(t);
    }

    @Override
    public void onCompleted() {
        delegate.onCompleted();
    }
}
