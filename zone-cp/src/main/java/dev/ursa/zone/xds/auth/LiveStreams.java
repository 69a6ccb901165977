package dev.ursa.zone.xds.auth;

import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TrustedTokens;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.zone.xds.NodeId;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admitted xDS streams, each with the token that let it in, closed when that token stops vouching for it: at its
 * expiry (a timer), when it is revoked or its signing key is no longer trusted (every stream is re-verified when this
 * zone's or the global's keys or revocations change), and, for a token limited to tags, when the node's Dataplane
 * changes to tags the token does not allow.
 *
 * <p>Threads: admitted and forgotten on gRPC threads (concurrent maps); timers, re-verification and closes run on the
 * authenticator's timer thread. A close goes through {@link XdsStream#close}, which is safe from any thread.
 */
final class LiveStreams implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LiveStreams.class);
    /** A Dataplane written just before its node connected may reach the engine's mirror a little later: checked again then. */
    private static final Duration RECHECK_AFTER_ADMISSION = Duration.ofSeconds(1);

    private record Live(XdsStream stream, Admission admission, ScheduledFuture<?> expiry) {
    }

    private final Map<Long, Live> streams = new ConcurrentHashMap<>();
    /** Streams whose token is limited to tags, by node: re-checked when the node's Dataplane changes. */
    private final Map<NodeId, Set<Long>> tagged = new ConcurrentHashMap<>();
    private final Map<TokenKind, TrustedTokens> trusted;
    private final IngressOwners owners;
    private final ResourceStore store;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AutoCloseable changes;

    LiveStreams(Map<TokenKind, TrustedTokens> trusted, IngressOwners owners, ResourceStore store, ScheduledExecutorService timer,
                MeterRegistry meters) {
        this.trusted = Map.copyOf(trusted);
        this.owners = owners;
        this.store = store;
        this.timer = timer;
        this.clock = trusted.get(TokenKind.DATAPLANE).clock();
        this.meters = meters;
        this.trusted.values().forEach(t -> t.onChange(() -> timer.execute(() -> reverify(t.kind()))));
        this.changes = store.changes().subscribe(this::onChange);
    }

    boolean admitted(long streamId) {
        return streams.containsKey(streamId);
    }

    int size() {
        return streams.size();
    }

    void admit(long streamId, XdsStream stream, Admission admission) {
        // Registered before its timer is set, so a timer firing at once finds the stream.
        streams.put(streamId, new Live(stream, admission, null));
        long delay = Math.max(0, Duration.between(clock.instant(), admission.expiry()).toMillis());
        ScheduledFuture<?> expiry = timer.schedule(() -> close(streamId, Status.Code.UNAUTHENTICATED, admission.describe() + " expired", "expired"),
                delay, TimeUnit.MILLISECONDS);
        if (streams.computeIfPresent(streamId, (id, live) -> new Live(live.stream(), live.admission(), expiry)) == null) expiry.cancel(false);
        if (admission.dataplane() != null && !admission.tags().isEmpty()) {
            tagged.computeIfAbsent(admission.dataplane(), n -> ConcurrentHashMap.newKeySet()).add(streamId);
            timer.schedule(() -> recheckTags(admission.dataplane()), RECHECK_AFTER_ADMISSION.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The discovery server closed the stream (either side): forget it. */
    void closed(long streamId) {
        Live live = streams.remove(streamId);
        if (live == null) return;
        if (live.expiry() != null) live.expiry().cancel(false);
        Admission a = live.admission();
        if (a.dataplane() != null) {
            tagged.computeIfPresent(a.dataplane(), (n, ids) -> {
                ids.remove(streamId);
                return ids.isEmpty() ? null : ids;
            });
        }
        if (a.ingress() != null) owners.closed(a.ingress(), streamId);
    }

    /** Keys or revocations of {@code kind} changed: every stream admitted with such a token is verified again. */
    private void reverify(TokenKind kind) {
        TrustedTokens t = trusted.get(kind);
        streams.forEach((id, live) -> {
            Admission a = live.admission();
            if (a.kind() != kind) return;
            try {
                Credentials.verify(t, a.token());
            } catch (RequestException e) {
                if (a.ingress() != null && t.revoked(a.tokenId())) owners.revoked(a.tokenId());
                close(id, e.getStatus().getCode(), e.getStatus().getDescription(), "token no longer valid");
            }
        });
    }

    private void onChange(ChangeEvent e) {
        if (!e.key().type().equals(ResourceTypes.DATAPLANE.name())) return;
        NodeId node = new NodeId(e.key().mesh(), e.key().name());
        if (tagged.containsKey(node)) timer.execute(() -> recheckTags(node));
    }

    /** The node's stored Dataplane (the one it is served as) must still carry only tags its token allows. */
    private void recheckTags(NodeId node) {
        if (!tagged.containsKey(node)) return;
        store.get(ResourceKey.of(ResourceTypes.DATAPLANE, node.mesh(), node.name())).whenComplete((dp, err) -> {
            if (err != null || dp.isEmpty()) return; // no Dataplane now: the engine serves or refuses the node as it is
            timer.execute(() -> closeDisallowed(node, dp.get()));
        });
    }

    private void closeDisallowed(NodeId node, Resource dataplane) {
        for (Long id : tagged.getOrDefault(node, Set.of())) {
            Live live = streams.get(id);
            if (live == null) continue;
            Optional<String> refusal = TokenTags.refusal(live.admission().tags(), dataplane);
            refusal.ifPresent(why -> close(id, Status.Code.PERMISSION_DENIED, live.admission().describe() + ": " + why, "tags not allowed"));
        }
    }

    private void close(long streamId, Status.Code code, String why, String reason) {
        Live live = streams.get(streamId);
        if (live == null) return;
        Admission a = live.admission();
        LOG.infof("closing the xDS stream of %s: %s", a.dataplane() != null ? a.dataplane() : "ingress/" + a.ingress(), why);
        Counter.builder("ursa_xds_auth_closed").tag("reason", reason).description("xDS streams closed because their token stopped allowing them")
                .register(meters).increment();
        live.stream().close(Status.fromCode(code).withDescription(why));
        closed(streamId); // the discovery server reports it too; forgetting twice is harmless
    }

    @Override
    public void close() throws Exception {
        changes.close();
    }
}
