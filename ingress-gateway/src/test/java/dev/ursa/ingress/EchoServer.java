package dev.ursa.ingress;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A real gRPC server answering {@code test.Echo/Call} with its own name; plaintext or TLS with a given certificate. */
public final class EchoServer implements AutoCloseable {
    public static final MethodDescriptor<String, String> CALL = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Call")
            .setRequestMarshaller(new Utf8()).setResponseMarshaller(new Utf8()).build();

    private final Server server;
    private final AtomicLong calls = new AtomicLong();

    public EchoServer(String name) throws IOException {
        this(name, null);
    }

    public EchoServer(String name, SelfSignedCertificate cert) throws IOException {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        if (cert != null) b.sslContext(GrpcSslContexts.forServer(cert.certificate(), cert.privateKey()).build());
        this.server = b.addService(ServerServiceDefinition.builder("test.Echo")
                        .addMethod(CALL, ServerCalls.asyncUnaryCall((req, out) -> {
                            calls.incrementAndGet();
                            out.onNext(req.isEmpty() ? name : name + ":" + req);
                            out.onCompleted();
                        })).build())
                .build().start();
    }

    public static String call(Channel channel, String request) {
        return ClientCalls.blockingUnaryCall(channel, CALL, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request);
    }

    public int port() {
        return server.getPort();
    }

    public long calls() {
        return calls.get();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    static final class Utf8 implements MethodDescriptor.Marshaller<String> {
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
