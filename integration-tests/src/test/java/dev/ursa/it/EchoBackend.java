package dev.ursa.it;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real gRPC server on 127.0.0.1 answering {@code test.Echo/Call} with its name ({@code <zone>/<instance>}), so a
 * client sees which zone answered. {@link #failEvery(int)} makes every n-th call fail with UNAVAILABLE.
 */
public final class EchoBackend implements AutoCloseable {
    public static final MethodDescriptor<String, String> CALL = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Echo/Call")
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();

    private final String name;
    private final Server server;
    private final AtomicLong calls = new AtomicLong();
    private volatile int failEvery;

    public EchoBackend(String name) throws IOException {
        this.name = name;
        this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerServiceDefinition.builder("test.Echo")
                        .addMethod(CALL, ServerCalls.asyncUnaryCall((req, out) -> {
                            long n = calls.incrementAndGet();
                            if (failEvery > 0 && n % failEvery == 0) {
                                out.onError(Status.UNAVAILABLE.withDescription(name + " fails call " + n).asRuntimeException());
                                return;
                            }
                            out.onNext(name);
                            out.onCompleted();
                        }))
                        .build())
                .build().start();
    }

    public static String call(Channel channel, long timeoutMs) {
        return call(channel, timeoutMs, "hi");
    }

    /** A call carrying {@code request} (the answer is the backend's name whatever it is). */
    public static String call(Channel channel, long timeoutMs, String request) {
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

    public void failEvery(int n) {
        this.failEvery = n;
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
