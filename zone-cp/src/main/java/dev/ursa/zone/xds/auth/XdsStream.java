package dev.ursa.zone.xds.auth;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One xDS call as the authenticator sees it: the credential its client sent as gRPC metadata, and a way to close it
 * later from any thread (a token expired or was revoked). Made by {@link XdsStreamInterceptor}, found by
 * {@link #current()} while the discovery server handles one of the call's events: the discovery server runs its
 * callbacks on the thread that delivers the event, inside this stream's listener, which marks the thread for that
 * long. (Not the gRPC {@code Context}: Quarkus keeps it in Vert.x context locals, and a credential must never be read
 * from another call's.)
 *
 * <h2>Threads</h2>
 * gRPC calls a {@link ServerCall.Listener} one event at a time and a {@link ServerCall} is not thread-safe. A close
 * from a timer thread must not overlap either: every listener event of the call passes {@link #listenerLock} (held
 * while the discovery server handles it), and every {@code sendHeaders}/{@code sendMessage}/{@code close} passes
 * {@link #callLock} (held only around the call itself, never while waiting for anything else). {@link #close} takes
 * the listener lock, closes the call with its status, then tells the discovery server the call is gone as gRPC would
 * ({@code onCancel}): it cancels its watches and runs the stream-close callbacks, so the node's state is released.
 * Events and responses after that are dropped. Lock order: listener lock, then the discovery server's own response
 * lock, then the call lock, so no two threads can wait on each other.
 */
public final class XdsStream {
    /** The stream whose event this thread is delivering; set only inside {@link #handling}. */
    private static final ThreadLocal<XdsStream> HANDLING = new ThreadLocal<>();
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final String authorization;
    private final Object listenerLock = new Object();
    private final Object callLock = new Object();
    private volatile Status closedWith;
    /** Guarded by {@link #listenerLock}: the call was closed here, later events are dropped. */
    private boolean killed;
    /** Guarded by {@link #callLock}. */
    private boolean callClosed;
    /** Set once by the interceptor before the call starts; read by {@link #close} on another thread. */
    private volatile ServerCall<?, ?> call;
    private volatile ServerCall.Listener<?> listener;

    XdsStream(String authorization) {
        this.authorization = authorization;
    }

    /** The stream whose request is being handled on this thread; null outside a call that passed the interceptor. */
    public static XdsStream current() {
        return HANDLING.get();
    }

    /** Runs {@code event} with this stream as {@link #current()} on this thread, then restores what was there. */
    <T> T handling(Supplier<T> event) {
        XdsStream outer = HANDLING.get();
        HANDLING.set(this);
        try {
            return event.get();
        } finally {
            if (outer == null) HANDLING.remove();
            else HANDLING.set(outer);
        }
    }

    private void handling(Runnable event) {
        handling(() -> {
            event.run();
            return null;
        });
    }

    /** The token of an {@code authorization: Bearer <token>} header, if the client sent one. */
    public Optional<String> bearerToken() {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Whether the client sent an {@code authorization} header at all (even a malformed one). */
    public boolean hasAuthorization() {
        return authorization != null;
    }

    /** The status this stream was refused or closed with; null while it is open. */
    public Status closedWith() {
        return closedWith;
    }

    /** The discovery server refuses this stream itself: later requests on it get the same refusal. */
    void refused(Status status) {
        if (closedWith == null) closedWith = status;
    }

    /** Closes the call with {@code status} (from any thread) and releases it in the discovery server. Idempotent. */
    public void close(Status status) {
        synchronized (listenerLock) {
            if (killed) return;
            killed = true;
            closedWith = status;
            synchronized (callLock) {
                if (!callClosed) {
                    callClosed = true;
                    call.close(status, new Metadata());
                }
            }
            listener.onCancel();
        }
    }

    <Q, R> ServerCall<Q, R> guard(ServerCall<Q, R> delegate) {
        this.call = delegate;
        return new ForwardingServerCall.SimpleForwardingServerCall<>(delegate) {
            @Override
            public void sendHeaders(Metadata headers) {
                synchronized (callLock) {
                    if (!callClosed) super.sendHeaders(headers);
                }
            }

            @Override
            public void sendMessage(R message) {
                synchronized (callLock) {
                    if (!callClosed) super.sendMessage(message);
                }
            }

            @Override
            public void close(Status status, Metadata trailers) {
                synchronized (callLock) {
                    if (callClosed) return;
                    callClosed = true;
                    super.close(status, trailers);
                }
            }
        };
    }

    <Q> ServerCall.Listener<Q> guard(ServerCall.Listener<Q> delegate) {
        this.listener = delegate;
        return new ServerCall.Listener<>() {
            @Override
            public void onMessage(Q message) {
                synchronized (listenerLock) {
                    if (!killed) handling(() -> delegate.onMessage(message));
                }
            }

            @Override
            public void onHalfClose() {
                synchronized (listenerLock) {
                    if (!killed) handling(() -> delegate.onHalfClose());
                }
            }

            @Override
            public void onCancel() {
                synchronized (listenerLock) {
                    if (!killed) handling(() -> delegate.onCancel());
                }
            }

            @Override
            public void onComplete() {
                synchronized (listenerLock) {
                    if (!killed) handling(() -> delegate.onComplete());
                }
            }

            @Override
            public void onReady() {
                synchronized (listenerLock) {
                    if (!killed) handling(() -> delegate.onReady());
                }
            }
        };
    }
}
