package dev.ursa.agent;

import com.google.protobuf.ByteString;
import dev.ursa.workload.v1.SignRequest;
import dev.ursa.workload.v1.SignResponse;
import dev.ursa.workload.v1.TrustRequest;
import dev.ursa.workload.v1.TrustResponse;
import dev.ursa.workload.v1.WorkloadCertificatesGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The zone CP's WorkloadCertificates API over plaintext gRPC (its xDS port), every call with
 * {@code authorization: Bearer <dataplane token>} and a deadline. Failures come out as {@link io.grpc.StatusRuntimeException}.
 */
final class CpClient implements AutoCloseable {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final ManagedChannel channel;
    private final WorkloadCertificatesGrpc.WorkloadCertificatesBlockingStub stub;
    private final Duration callTimeout;

    CpClient(HostPort cp, String token, Duration callTimeout) {
        this.channel = Grpc.newChannelBuilder(cp.toString(), InsecureChannelCredentials.create()).build();
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        this.stub = WorkloadCertificatesGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        this.callTimeout = callTimeout;
    }

    SignResponse sign(String nodeId, String dataplane, byte[] csrDer) {
        SignRequest.Builder request = SignRequest.newBuilder().setNodeId(nodeId).setCsr(ByteString.copyFrom(csrDer));
        if (dataplane != null) request.setDataplane(dataplane);
        return stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS).sign(request.build());
    }

    TrustResponse trust(String nodeId) {
        return stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .getTrust(TrustRequest.newBuilder().setNodeId(nodeId).build());
    }

    /**
     * After a failure, the next call connects at once: the channel's own reconnect backoff (up to 2 minutes) would
     * otherwise keep failing calls long after the CP is back; the agent's backoff paces the retries.
     */
    void reconnectNow() {
        channel.resetConnectBackoff();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
