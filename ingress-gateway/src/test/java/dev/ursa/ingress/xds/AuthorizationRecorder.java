package dev.ursa.ingress.xds;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Records the {@code authorization} header of every call a test server receives ("" when absent), in order. */
final class AuthorizationRecorder implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String auth = headers.get(AUTHORIZATION);
        seen.add(auth == null ? "" : auth);
        return next.startCall(call, headers);
    }
}
