package dev.ursa.global.kds;

import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.global.tokens.ZoneTokenService;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeFeed;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.store.WriteResult;
import dev.ursa.sync.KdsGrpc;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission refusals that a running server cannot show: a plaintext call with TLS on, and a store that cannot answer. */
class KdsAuthInterceptorTest {
    final InMemoryStore store = new InMemoryStore();
    final ZoneTokenService tokens = new ZoneTokenService(new TokenKeys(store), store);

    /** A call whose transport attributes the test chooses; records how it was closed. */
    static final class FakeCall extends ServerCall<Object, Object> {
        final Attributes attributes;
        Status closed;

        FakeCall(Attributes attributes) {
            this.attributes = attributes;
        }

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(Object message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed = status;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Attributes getAttributes() {
            return attributes;
        }

        @Override
        public MethodDescriptor<Object, Object> getMethodDescriptor() {
            return null;
        }
    }

    /** A store whose reads of {@code failing} fail as an unreachable database does. */
    record FailingReads(ResourceStore delegate, String failingType) implements ResourceStore {
        @Override
        public CompletionStage<Optional<Resource>> get(ResourceKey key) {
            if (key.type().equals(failingType)) return CompletableFuture.failedFuture(new StoreException.Unavailable("database unreachable", null));
            return delegate.get(key);
        }

        @Override
        public CompletionStage<Page> list(ListQuery query) {
            return delegate.list(query);
        }

        @Override
        public CompletionStage<WriteResult> put(Resource resource, Precondition precondition) {
            return delegate.put(resource, precondition);
        }

        @Override
        public CompletionStage<Resource> delete(ResourceKey key, Precondition precondition) {
            return delegate.delete(key, precondition);
        }

        @Override
        public ChangeFeed changes() {
            return delegate.changes();
        }
    }

    Status call(KdsAuthInterceptor interceptor, String token, AtomicBoolean reached) {
        Metadata headers = new Metadata();
        headers.put(KdsGrpc.AUTHORIZATION, "Bearer " + token);
        FakeCall call = new FakeCall(Attributes.EMPTY);
        ServerCallHandler<Object, Object> next = (c, h) -> {
            reached.set(true);
            return new ServerCall.Listener<>() {
            };
        };
        interceptor.interceptCall(call, headers, next);
        return call.closed;
    }

    KdsAuthInterceptor interceptor(boolean tlsRequired, ResourceStore admissionStore, ZoneTokenService tokenService) {
        return new KdsAuthInterceptor(KdsConfig.Auth.token, tlsRequired, tokenService,
                new ZoneAdmission(admissionStore, new ZoneDeletions(admissionStore, Clock.systemUTC())), Clock.systemUTC());
    }

    String token() {
        return tokens.issue("zone-1", List.of("cp"), Duration.ofHours(1)).token();
    }

    @Test
    void aValidTokenIsLetThroughWhenTheStoreAnswers() {
        AtomicBoolean reached = new AtomicBoolean();
        assertThat(call(interceptor(false, store, tokens), token(), reached)).isNull();
        assertThat(reached).isTrue();
    }

    @Test
    void aPlaintextCallIsRefusedWhileTlsIsRequiredEvenWithAValidToken() {
        AtomicBoolean reached = new AtomicBoolean();
        Status s = call(interceptor(true, store, tokens), token(), reached);
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(s.getDescription()).contains("zone tokens are not accepted on a plaintext stream");
        assertThat(reached).isFalse();
    }

    @Test
    void aStoreThatCannotSayWhetherTheZoneIsEnabledFailsClosed() {
        AtomicBoolean reached = new AtomicBoolean();
        Status s = call(interceptor(false, new FailingReads(store, ResourceTypes.ZONE.name()), tokens), token(), reached);
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(s.getDescription()).contains("cannot check zone zone-1 in its store").contains("database unreachable");
        assertThat(reached).isFalse();
    }

    @Test
    void aStoreThatCannotGiveTheRevocationsFailsClosed() {
        String token = token();
        ResourceStore broken = new FailingReads(store, ResourceTypes.GLOBAL_SECRET.name());
        ZoneTokenService unreadable = new ZoneTokenService(new TokenKeys(broken), broken);
        AtomicBoolean reached = new AtomicBoolean();
        Status s = call(interceptor(false, store, unreadable), token, reached);
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(s.getDescription()).contains("cannot check the zone token keys");
        assertThat(reached).isFalse();
    }
}
