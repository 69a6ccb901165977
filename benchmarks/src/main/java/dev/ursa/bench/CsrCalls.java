package dev.ursa.bench;

import com.google.protobuf.ByteString;
import dev.ursa.workload.v1.SignRequest;
import dev.ursa.workload.v1.SignResponse;
import dev.ursa.workload.v1.WorkloadCertificatesGrpc;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every workload calls {@code WorkloadCertificates/Sign} once with its own CSR and its dataplane token
 * ({@code authorization: Bearer}), at most {@code inFlight} calls at a time over {@code channels} HTTP/2 connections.
 * A call refused with RESOURCE_EXHAUSTED or UNAVAILABLE is retried after a jittered exponential backoff (the workload
 * keeps its slot meanwhile, as a real agent keeps waiting); every other failure ends that workload. Latency is what the
 * workload sees: from its first attempt to the response, backoffs included.
 */
final class CsrCalls {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 30;
    private static final long BACKOFF_BASE_MS = 20;
    private static final long BACKOFF_MAX_MS = 2_000;

    /** What the run produced; per workload: latency (ns, -1 = failed) and renew_after (epoch ms, -1 = failed). */
    record Outcome(long wallNanos, long[] latencyNanos, long[] renewAfterMillis, long[] notBeforeMillis, long[] notAfterMillis,
                   int retries, int failures, String firstFailure) {
    }

    private final CsrWorkloads workloads;
    private final int inFlight;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final ScheduledExecutorService backoff = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("bench-backoff").factory());

    CsrCalls(int port, CsrWorkloads workloads, int inFlight, int channelCount) {
        this.workloads = workloads;
        this.inFlight = inFlight;
        for (int i = 0; i < channelCount; i++) {
            channels.add(Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build());
        }
    }

    /** One call per channel (a workload of the zone's, not measured) so the connections are up before the window. */
    void connect(SignRequest probe, String token) {
        for (ManagedChannel ch : channels) {
            WorkloadCertificatesGrpc.newBlockingStub(ch).withCallCredentials(bearer(token)).withDeadlineAfter(30, TimeUnit.SECONDS).sign(probe);
        }
    }

    Outcome run(Duration deadline) throws InterruptedException {
        int n = workloads.size();
        long[] started = new long[n];
        long[] latency = new long[n];
        long[] renewAfter = new long[n];
        long[] notBefore = new long[n];
        long[] notAfter = new long[n];
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Semaphore slots = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            slots.acquire();
            started[i] = System.nanoTime();
            new Attempt(i, started, latency, renewAfter, notBefore, notAfter, retries, failures, firstFailure, slots, done).call(1);
        }
        if (!done.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(done.getCount() + " of " + n + " workloads have no answer within " + deadline);
        }
        long wall = System.nanoTime() - t0;
        return new Outcome(wall, latency, renewAfter, notBefore, notAfter, retries.get(), failures.get(), firstFailure.get());
    }

    /** One workload's call and its retries. */
    private final class Attempt implements StreamObserver<SignResponse> {
        private final int i;
        private final long[] started, latency, renewAfter, notBefore, notAfter;
        private final AtomicInteger retries, failures;
        private final AtomicReference<String> firstFailure;
        private final Semaphore slots;
        private final CountDownLatch done;
        private int attempt;
        private SignResponse response;

        Attempt(int i, long[] started, long[] latency, long[] renewAfter, long[] notBefore, long[] notAfter, AtomicInteger retries,
                AtomicInteger failures, AtomicReference<String> firstFailure, Semaphore slots, CountDownLatch done) {
            this.i = i;
            this.started = started;
            this.latency = latency;
            this.renewAfter = renewAfter;
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            this.retries = retries;
            this.failures = failures;
            this.firstFailure = firstFailure;
            this.slots = slots;
            this.done = done;
        }

        void call(int attempt) {
            this.attempt = attempt;
            this.response = null;
            SignRequest request = SignRequest.newBuilder().setNodeId(workloads.nodeIds()[i])
                    .setCsr(ByteString.copyFrom(workloads.csrs()[i])).build();
            WorkloadCertificatesGrpc.newStub(channels.get(i % channels.size())).withCallCredentials(bearer(workloads.tokens()[i]))
                    .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).sign(request, this);
        }

        @Override
        public void onNext(SignResponse r) {
            response = r;
        }

        @Override
        public void onCompleted() {
            long now = System.nanoTime();
            latency[i] = now - started[i];
            renewAfter[i] = millis(response.getRenewAfter());
            notBefore[i] = millis(response.getNotBefore());
            notAfter[i] = millis(response.getNotAfter());
            finish();
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            boolean retryable = status.getCode() == Status.Code.RESOURCE_EXHAUSTED || status.getCode() == Status.Code.UNAVAILABLE;
            if (retryable && attempt < MAX_ATTEMPTS) {
                retries.incrementAndGet();
                long cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS << Math.min(attempt, 16));
                long delay = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
                int next = attempt + 1;
                backoff.schedule(() -> call(next), delay, TimeUnit.MILLISECONDS);
                return;
            }
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, workloads.nodeIds()[i] + " after " + attempt + " attempt(s): " + status.getCode()
                    + " " + status.getDescription());
            latency[i] = -1;
            renewAfter[i] = -1;
            finish();
        }

        private void finish() {
            slots.release();
            done.countDown();
        }
    }

    private static long millis(com.google.protobuf.Timestamp t) {
        return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
    }

    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(m);
            }
        };
    }

    void close() throws InterruptedException {
        backoff.shutdownNow();
        for (ManagedChannel ch : channels) ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
