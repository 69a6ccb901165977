package dev.ursa.zone.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.zone.xds.auth.NodeDataplane;
import dev.ursa.zone.xds.auth.XdsAuthenticator;
import dev.ursa.zone.xds.auth.XdsStreamInterceptor;
import dev.ursa.zone.xds.mtls.CsrSigner;
import dev.ursa.zone.xds.mtls.IssuerSwitches;
import dev.ursa.zone.xds.mtls.MeshTrust;
import dev.ursa.zone.xds.mtls.WorkloadIdentity;
import dev.ursa.workload.v1.SignRequest;
import dev.ursa.workload.v1.SignResponse;
import dev.ursa.workload.v1.TrustRequest;
import dev.ursa.workload.v1.TrustResponse;
import dev.ursa.workload.v1.WorkloadCertificatesGrpc;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The workload certificate service ({@code ursa.workload.v1.WorkloadCertificates}) on the zone's xDS port: signs the
 * keys of workloads that hold their own (proxyless gRPC through ursa-agent) with their mesh's CA. A call is admitted as
 * the node's xDS stream would be (its dataplane token must allow the node and its Dataplane); the certificate names
 * the identity of the Dataplane the zone serves the node as (a stored one wins over the request's), never what the CSR
 * asks for. Nothing is stored: the certificate goes back to the caller only.
 *
 * <p>Threads: requests arrive on gRPC threads; signing (a CA signature, about a millisecond) runs on a small pool with a
 * bounded queue, so a burst of workloads gets {@code RESOURCE_EXHAUSTED} and retries rather than stalling the xDS port.
 */
@GrpcService
@RegisterInterceptor(XdsStreamInterceptor.class) // the dataplane token of the call, as for ADS
public class WorkloadCertificateService implements BindableService, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkloadCertificateService.class);
    private static final int QUEUE = 2048;

    private final XdsEngine engine;
    private final XdsAuthenticator authenticator;
    private final CsrSigner signer;
    private final IssuerSwitches issuers;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final Timer signTime;
    private final MeterRegistry meters;

    @Inject
    public WorkloadCertificateService(XdsEngine engine, XdsAuthenticator authenticator, XdsConfig config, MeterRegistry meters) {
        this(engine, authenticator, new CsrSigner(config.mtls().renewFraction()), engine.issuerSwitches(), Clock.systemUTC(),
                meters);
    }

    public WorkloadCertificateService(XdsEngine engine, XdsAuthenticator authenticator, CsrSigner signer, IssuerSwitches issuers,
                                      Clock clock, MeterRegistry meters) {
        this.engine = engine;
        this.authenticator = authenticator;
        this.signer = signer;
        this.issuers = issuers;
        this.clock = clock;
        this.meters = meters;
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().daemon().name("ursa-csr-", 0).factory());
        this.signTime = Timer.builder("ursa_mtls_csr_sign").description("time to verify a workload CSR and sign its certificate")
                .register(meters);
    }

    @Override
    public ServerServiceDefinition bindService() {
        return new WorkloadCertificatesGrpc.WorkloadCertificatesImplBase() {
            @Override
            public void sign(SignRequest request, StreamObserver<SignResponse> response) {
                WorkloadCertificateService.this.sign(request, response);
            }

            @Override
            public void getTrust(TrustRequest request, StreamObserver<TrustResponse> response) {
                WorkloadCertificateService.this.getTrust(request, response);
            }
        }.bindService();
    }

    void sign(SignRequest request, StreamObserver<SignResponse> response) {
        NodeId id;
        Node node;
        try {
            id = nodeId(request.getNodeId());
            node = node(request.getNodeId(), request.getDataplane());
            authenticator.admitWorkload(node); // on the gRPC thread: the call's token is visible here only
        } catch (StatusException e) { // also a refused token (RequestException)
            fail(response, "sign", request.getNodeId(), e.getStatus());
            return;
        }
        try {
            pool.execute(() -> signAdmitted(id, node, request, response));
        } catch (RejectedExecutionException e) {
            fail(response, "sign", request.getNodeId(), Status.RESOURCE_EXHAUSTED.withDescription(
                    "the zone is signing " + QUEUE + " certificates already: retry with backoff"));
        }
    }

    private void signAdmitted(NodeId id, Node node, SignRequest request, StreamObserver<SignResponse> response) {
        long start = System.nanoTime();
        try {
            MeshTrust trust = readyTrust(id.mesh());
            Resource dataplane;
            try {
                dataplane = NodeDataplane.of(id, node, engine::registeredDataplane).orElse(null);
            } catch (IllegalArgumentException e) {
                throw new StatusException(Status.INVALID_ARGUMENT.withDescription("dataplane: " + e.getMessage()));
            }
            if (dataplane == null) {
                throw new StatusException(Status.FAILED_PRECONDITION.withDescription("node " + id + " has no Dataplane in this zone:"
                        + " register it, or send it in the request's dataplane field"));
            }
            List<String> identities = WorkloadIdentity.uris(id.mesh(), dataplane.spec(DataplaneSpec.class));
            if (identities.isEmpty()) {
                throw new StatusException(Status.FAILED_PRECONDITION.withDescription("Dataplane " + id + " has no inbound with a kuma.io/service"
                        + " tag: a mesh certificate names the services a workload serves"));
            }
            Instant now = clock.instant();
            CsrSigner.Signed signed;
            try {
                signed = signer.sign(trust, issuers.issuer(trust, now), identities, request.getCsr().toByteArray(), now);
            } catch (CsrSigner.InvalidCsrException e) {
                throw new StatusException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            }
            response.onNext(SignResponse.newBuilder()
                    .setCertificateChainPem(signed.chainPem())
                    .setTrustBundlePem(trust.trustBundlePem())
                    .setNotBefore(timestamp(signed.notBefore()))
                    .setNotAfter(timestamp(signed.notAfter()))
                    .setRenewAfter(timestamp(signed.renewAfter()))
                    .setIssuerId(signed.issuerId())
                    .addAllIdentities(signed.identities())
                    .build());
            response.onCompleted();
            signTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            count("sign", "OK");
            LOG.debugf("signed a certificate for node %s (%s), valid until %s", id, signed.identities(), signed.notAfter());
        } catch (StatusException e) {
            fail(response, "sign", id.toString(), e.getStatus());
        } catch (RuntimeException e) {
            LOG.errorf(e, "signing a certificate for node %s failed", id);
            fail(response, "sign", id.toString(), Status.INTERNAL.withDescription("signing failed: " + e.getMessage()));
        }
    }

    void getTrust(TrustRequest request, StreamObserver<TrustResponse> response) {
        try {
            NodeId id = nodeId(request.getNodeId());
            authenticator.admitWorkload(node(request.getNodeId(), ""));
            MeshTrust.State state = engine.meshTrust(id.mesh()).orElseThrow(() -> new StatusException(Status.NOT_FOUND
                    .withDescription("mesh \"" + id.mesh() + "\" does not exist in this zone")));
            TrustResponse.Builder out = TrustResponse.newBuilder();
            switch (state) {
                case MeshTrust.Off off -> issuers.forget(id.mesh());
                case MeshTrust.Unavailable u -> throw new StatusException(Status.UNAVAILABLE.withDescription(u.reason()));
                case MeshTrust.Ready ready -> out.setMtlsEnabled(true).setTrustBundlePem(ready.trust().trustBundlePem())
                        .setIssuerId(issuers.issuer(ready.trust(), clock.instant()).id());
            }
            response.onNext(out.build());
            response.onCompleted();
            count("trust", "OK");
        } catch (StatusException e) { // also a refused token (RequestException)
            fail(response, "trust", request.getNodeId(), e.getStatus());
        }
    }

    private MeshTrust readyTrust(String mesh) throws StatusException {
        MeshTrust.State state = engine.meshTrust(mesh).orElseThrow(() -> new StatusException(Status.NOT_FOUND
                .withDescription("mesh \"" + mesh + "\" does not exist in this zone")));
        return switch (state) {
            case MeshTrust.Ready ready -> ready.trust();
            case MeshTrust.Off off -> throw new StatusException(Status.FAILED_PRECONDITION
                    .withDescription("mesh \"" + mesh + "\" has mTLS off: there is nothing to sign"));
            case MeshTrust.Unavailable u -> throw new StatusException(Status.UNAVAILABLE.withDescription(u.reason()));
        };
    }

    private static NodeId nodeId(String text) throws StatusException {
        try {
            return NodeId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new StatusException(Status.INVALID_ARGUMENT.withDescription("node_id: " + e.getMessage()));
        }
    }

    /** The node as its xDS stream would present itself: its id and, when sent, its Dataplane (self-registration). */
    private static Node node(String id, String dataplane) {
        Node.Builder node = Node.newBuilder().setId(id);
        if (!dataplane.isBlank()) {
            node.setMetadata(Struct.newBuilder().putFields(SelfRegistration.METADATA_KEY, Value.newBuilder().setStringValue(dataplane).build()));
        }
        return node.build();
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private void fail(StreamObserver<?> response, String method, String node, Status status) {
        count(method, status.getCode().name());
        if (status.getCode() != Status.Code.UNAUTHENTICATED && status.getCode() != Status.Code.PERMISSION_DENIED) {
            LOG.infof("workload certificate %s for node %s refused: %s %s", method, node, status.getCode(), status.getDescription());
        }
        response.onError(status.asException());
    }

    private void count(String method, String result) {
        Counter.builder("ursa_mtls_csr_requests").tag("method", method).tag("result", result)
                .description("workload certificate service calls by result").register(meters).increment();
    }

    @PreDestroy
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
