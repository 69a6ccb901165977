package dev.ursa.agent;

import com.google.protobuf.Timestamp;
import dev.ursa.cp.pki.MeshCa;
import dev.ursa.workload.v1.SignRequest;
import dev.ursa.workload.v1.SignResponse;
import dev.ursa.workload.v1.TrustRequest;
import dev.ursa.workload.v1.TrustResponse;
import dev.ursa.workload.v1.WorkloadCertificatesGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A zone CP's WorkloadCertificates service for the agent's tests: a real gRPC server (grpc-netty, 127.0.0.1, a random
 * port kept across {@link #stop}/{@link #restart}) signing CSRs with a real mesh CA. It checks the bearer token and
 * can be told to refuse, fail, go down, switch CA, turn mTLS off, or issue short-lived certificates. Every call is
 * logged with its time and outcome.
 */
final class TestCp implements AutoCloseable {
    static final String MESH = "default";
    static final String NODE_ID = MESH + ".backend-1";
    static final List<String> IDENTITIES = List.of("spiffe://default/backend", "kuma://kuma.io/zone/zone-1");
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** One call as the server saw it. */
    record Call(String method, Instant at, Status.Code outcome) {
    }

    /** A certificate the server issued. */
    record Issued(Instant at, X509Certificate certificate, Instant renewAfter) {
    }

    final String token;
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<Issued> issued = new CopyOnWriteArrayList<>();
    volatile MeshCa ca = newCa();
    volatile List<MeshCa> trusted = List.of(ca);
    volatile Duration lifetime = Duration.ofHours(1);
    volatile double renewFraction = 0.7;
    volatile boolean mtls = true;
    /** When set, every call fails with it (after the token check). */
    volatile Status failAll;
    /** When set, Sign fails with it. */
    volatile Status failSign;
    /** The Dataplane text of the last Sign request. */
    volatile String lastDataplane;
    private final int port;
    private Server server;

    private TestCp(String token, int port) throws IOException {
        this.token = token;
        this.server = build(port).start();
        this.port = server.getPort();
    }

    static TestCp start(String token) throws IOException {
        return new TestCp(token, 0);
    }

    HostPort address() {
        return new HostPort("127.0.0.1", port);
    }

    /** Goes down: the port refuses connections. */
    void stop() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Comes back on the same port. */
    void restart() throws IOException {
        server = build(port).start();
    }

    /** A new CA issues from now on; both are trusted (as during a CA rotation). */
    MeshCa rotateCa() {
        MeshCa next = newCa();
        List<MeshCa> both = new ArrayList<>(trusted);
        both.add(next);
        trusted = List.copyOf(both);
        ca = next;
        return next;
    }

    /** Trusts one more CA without issuing from it (a trust bundle change alone). */
    MeshCa trustAlso() {
        MeshCa extra = newCa();
        List<MeshCa> more = new ArrayList<>(trusted);
        more.add(extra);
        trusted = List.copyOf(more);
        return extra;
    }

    String trustBundlePem() {
        return trusted.stream().map(MeshCa::certificatePem).collect(Collectors.joining());
    }

    static String issuerId(MeshCa ca) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    long okSigns() {
        return calls.stream().filter(c -> c.method().equals("Sign") && c.outcome() == Status.Code.OK).count();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static MeshCa newCa() {
        return MeshCa.generate(MESH, 2048, Duration.ofDays(1), Instant.now());
    }

    private Server build(int port) {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .withOption(ChannelOption.SO_REUSEADDR, true) // back on the same port at once after stop()
                .addService(ServerInterceptors.intercept(new Service(), new BearerCheck()))
                .build();
    }

    private final class BearerCheck implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String method = call.getMethodDescriptor().getBareMethodName();
            String auth = headers.get(AUTHORIZATION);
            if (auth == null || !auth.equals("Bearer " + token)) {
                calls.add(new Call(method, Instant.now(), Status.Code.UNAUTHENTICATED));
                call.close(Status.UNAUTHENTICATED.withDescription(auth == null
                        ? "no dataplane token (authorization: Bearer ...)"
                        : "dataplane token rejected: its signature does not verify with the mesh's signing keys"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            return next.startCall(call, headers);
        }
    }

    private final class Service extends WorkloadCertificatesGrpc.WorkloadCertificatesImplBase {
        @Override
        public void sign(SignRequest request, StreamObserver<SignResponse> out) {
            lastDataplane = request.getDataplane();
            Status failure = failAll != null ? failAll : failSign;
            if (failure == null && !mtls) failure = Status.FAILED_PRECONDITION.withDescription("mesh default has mTLS off");
            if (failure == null && !request.getNodeId().equals(NODE_ID)) {
                failure = Status.PERMISSION_DENIED.withDescription("the token does not allow node " + request.getNodeId());
            }
            PublicKey key = null;
            if (failure == null) {
                try {
                    JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(request.getCsr().toByteArray());
                    if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                        failure = Status.INVALID_ARGUMENT.withDescription("csr: the signature does not verify");
                    }
                    key = csr.getPublicKey();
                } catch (Exception e) {
                    failure = Status.INVALID_ARGUMENT.withDescription("csr: not a PKCS#10 request: " + e.getMessage());
                }
            }
            Instant now = Instant.now();
            if (failure != null) {
                calls.add(new Call("Sign", now, failure.getCode()));
                out.onError(failure.asRuntimeException());
                return;
            }
            MeshCa signer = ca;
            X509Certificate cert = signer.issue(key, IDENTITIES, lifetime, now);
            // X.509 times have whole seconds: the fraction of the lifetime the certificate really has
            long lifetimeMillis = Duration.between(now, cert.getNotAfter().toInstant()).toMillis();
            Instant renewAfter = now.plusMillis((long) (lifetimeMillis * renewFraction));
            issued.add(new Issued(now, cert, renewAfter));
            calls.add(new Call("Sign", now, Status.Code.OK));
            out.onNext(SignResponse.newBuilder()
                    .setCertificateChainPem(dev.ursa.cp.pki.Pem.certificate(cert))
                    .setTrustBundlePem(trustBundlePem())
                    .setNotBefore(timestamp(cert.getNotBefore().toInstant()))
                    .setNotAfter(timestamp(cert.getNotAfter().toInstant()))
                    .setRenewAfter(timestamp(renewAfter))
                    .setIssuerId(issuerId(signer))
                    .addAllIdentities(IDENTITIES)
                    .build());
            out.onCompleted();
        }

        @Override
        public void getTrust(TrustRequest request, StreamObserver<TrustResponse> out) {
            Status failure = failAll;
            if (failure == null && !request.getNodeId().equals(NODE_ID)) {
                failure = Status.PERMISSION_DENIED.withDescription("the token does not allow node " + request.getNodeId());
            }
            if (failure != null) {
                calls.add(new Call("GetTrust", Instant.now(), failure.getCode()));
                out.onError(failure.asRuntimeException());
                return;
            }
            calls.add(new Call("GetTrust", Instant.now(), Status.Code.OK));
            out.onNext(mtls
                    ? TrustResponse.newBuilder().setMtlsEnabled(true).setTrustBundlePem(trustBundlePem()).setIssuerId(issuerId(ca)).build()
                    : TrustResponse.newBuilder().setMtlsEnabled(false).build());
            out.onCompleted();
        }
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
