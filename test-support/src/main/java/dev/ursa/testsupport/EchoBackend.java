package dev.ursa.testsupport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real gRPC server on 127.0.0.1 (an ephemeral port) answering {@code test.Echo/Call} with its name, so a client sees
 * which backend (e.g. {@code <zone>/<instance>}) answered. The request steers it: {@code "sleep:<ms>"} waits that long
 * first, {@code "echo:<text>"} answers {@code <name>:<text>} (proves the bytes went through a proxy), anything else is
 * only counted. {@link #failEvery(int)} makes every n-th call fail with UNAVAILABLE. Plaintext, or TLS with a given
 * certificate (a proxy that passes TLS through can be proven by the handshake). Calls run on gRPC's executor threads;
 * the counters are atomic.
 */
public final class EchoBackend implements AutoCloseable {
    public static final MethodDescriptor<String, String> CALL = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Echo/Call")
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();
    /** The deadline of {@link #call(Channel, String)}. */
    public static final long DEFAULT_TIMEOUT_MS = 5000;

    private final String name;
    private final Server server;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong lastCallNanos = new AtomicLong();
    private volatile int failEvery;

    /** A plaintext (h2c) backend. */
    public EchoBackend(String name) throws IOException {
        this(name, null, null);
    }

    /** A TLS backend presenting {@code certificateChain} (PEM) with {@code privateKey} (PKCS#8 PEM); both null: plaintext. */
    public EchoBackend(String name, File certificateChain, File privateKey) throws IOException {
        this.name = name;
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        if (certificateChain != null) b.sslContext(GrpcSslContexts.forServer(certificateChain, privateKey).build());
        this.server = b.addService(ServerServiceDefinition.builder("test.Echo")
                        .addMethod(CALL, ServerCalls.asyncUnaryCall(this::answer))
                        .build())
                .build().start();
    }

    private void answer(String request, StreamObserver<String> out) {
        long n = calls.incrementAndGet();
        lastCallNanos.set(System.nanoTime());
        if (failEvery > 0 && n % failEvery == 0) {
            out.onError(Status.UNAVAILABLE.withDescription(name + " fails call " + n).asRuntimeException());
            return;
        }
        if (request.startsWith("sleep:")) {
            try {
                Thread.sleep(Long.parseLong(request.substring("sleep:".length()))); // a slow backend, as asked for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.onNext(request.startsWith("echo:") ? name + ":" + request.substring("echo:".length()) : name);
        out.onCompleted();
    }

    /** One blocking call with a {@value #DEFAULT_TIMEOUT_MS} ms deadline; returns the answer, throws the call's status. */
    public static String call(Channel channel, String request) {
        return call(channel, request, DEFAULT_TIMEOUT_MS);
    }

    public static String call(Channel channel, String request, long timeoutMs) {
        return ClientCalls.blockingUnaryCall(channel, CALL, CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS), request);
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getPort();
    }

    public long calls() {
        return calls.get();
    }

    /** {@link System#nanoTime()} of the last call that reached this backend (0 before the first). */
    public long lastCallNanos() {
        return lastCallNanos.get();
    }

    public void failEvery(int n) {
        this.failEvery = n;
    }

    /** Graceful: calls in flight complete, new ones are refused (UNAVAILABLE), as when an instance is taken down. */
    public void stop() {
        server.shutdown();
    }

    /** A crash: connections reset, calls in flight fail. */
    @Override
    public void close() {
        server.shutdownNow();
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
