package dev.ursa.sync.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.ursa.sync.VersionedResource;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The sending side of one delta stream (the global on GlobalToZone, the zone on ZoneToGlobal), without any network:
 * requests in, responses out. Not thread-safe; its session serialises calls.
 * <p>
 * Per subscribed type it keeps what the peer has confirmed ({@code acked}), what it will have once in-flight responses
 * are applied ({@code expected}: diffs are computed against this, so nothing is re-sent while waiting for an ACK), and
 * the versions the peer rejected ({@code nacked}: never re-sent; a new version of the resource is sent normally).
 * A subscription's {@code initial_resource_versions} seed both maps, so a resume sends only differences. A peer
 * holding many resources sends only their {@link VersionDigest} instead: if it matches what this side would send,
 * the desired versions seed both maps and the resume costs one small message each way; if not, one response removing
 * {@link VersionDigest#WIRE_NAME} asks the peer to subscribe again with every version.
 */
public final class DeltaSender {
    /** Marks a rejected removal in {@code nacked}. */
    private static final String REMOVAL = "\0removal";

    private final Clock clock;
    private final int maxResponseBytes;
    private final Predicate<String> knownType;
    private final Map<String, TypeState> types = new LinkedHashMap<>();
    private final Map<String, InFlight> inFlight = new HashMap<>();
    private long nonces;

    /**
     * @param maxResponseBytes responses are split so that the resources of one stay below this (keep it well under the
     *                         peer's max inbound message size)
     * @param knownType        type URLs this side can send; subscriptions to others are ignored (version skew)
     */
    public DeltaSender(Clock clock, int maxResponseBytes, Predicate<String> knownType) {
        this.clock = clock;
        this.maxResponseBytes = maxResponseBytes;
        this.knownType = knownType;
    }

    /** What a request meant. */
    public sealed interface Outcome {
        String typeUrl();
    }

    /** A (re)subscription: the type must now be diffed in full. {@code peerHas}: how many resources the peer holds. */
    public record Subscribed(String typeUrl, int peerHas) implements Outcome {
    }

    /** The peer applied a response. {@code latency} runs from the oldest change it carried to now. */
    public record Acked(String typeUrl, String nonce, int resources, Duration latency) implements Outcome {
    }

    /** The peer rejected some resources of a response (name -> error); the others count as applied. */
    public record Nacked(String typeUrl, String nonce, String message, Map<String, String> rejected) implements Outcome {
    }

    /** A type this side does not send, or a nonce it does not know (an old stream's): nothing to do. */
    public record Ignored(String typeUrl, String reason) implements Outcome {
    }

    public Outcome onRequest(DeltaDiscoveryRequest request) {
        String typeUrl = request.getTypeUrl();
        if (!knownType.test(typeUrl)) {
            return new Ignored(typeUrl, "unknown resource type " + typeUrl);
        }
        String nonce = request.getResponseNonce();
        if (nonce.isEmpty()) {
            TypeState state = new TypeState();
            Map<String, String> initial = request.getInitialResourceVersionsMap();
            String digest = initial.get(VersionDigest.WIRE_NAME);
            int peerHas;
            if (digest != null && initial.size() == 1) {
                state.claimedDigest = digest;
                peerHas = VersionDigest.parse(digest).map(VersionDigest::count).orElse(0);
            } else {
                state.acked.putAll(initial);
                state.expected.putAll(initial);
                peerHas = initial.size();
            }
            types.put(typeUrl, state);
            inFlight.values().removeIf(f -> f.typeUrl.equals(typeUrl));
            return new Subscribed(typeUrl, peerHas);
        }
        InFlight sent = inFlight.remove(nonce);
        TypeState state = types.get(typeUrl);
        if (sent == null || state == null || !sent.typeUrl.equals(typeUrl)) {
            return new Ignored(typeUrl, "unknown nonce " + nonce);
        }
        if (!request.hasErrorDetail() || request.getErrorDetail().getCode() == 0) {
            sent.applyTo(state.acked, name -> true);
            return new Acked(typeUrl, nonce, sent.upserts.size() + sent.removals.size(), Duration.between(sent.changedAt, clock.instant()));
        }
        Map<String, String> rejected = rejectedNames(request, sent);
        sent.applyTo(state.acked, name -> !rejected.containsKey(name));
        for (String name : rejected.keySet()) {
            String sentVersion = sent.upserts.containsKey(name) ? sent.upserts.get(name) : REMOVAL;
            String expectedNow = state.expected.get(name);
            boolean stillOurs = sent.upserts.containsKey(name) ? sentVersion.equals(expectedNow) : expectedNow == null;
            if (stillOurs) {
                // The peer kept what it had: expect that again, and remember the rejected version so it is not re-sent.
                String had = state.acked.get(name);
                if (had == null) state.expected.remove(name);
                else state.expected.put(name, had);
            }
            state.nacked.put(name, sentVersion);
        }
        return new Nacked(typeUrl, nonce, request.getErrorDetail().getMessage(), rejected);
    }

    /** Rejected names from the NACK's {@link ErrorInfo} metadata, or every resource of the response if it names none. */
    private static Map<String, String> rejectedNames(DeltaDiscoveryRequest request, InFlight sent) {
        Map<String, String> rejected = new LinkedHashMap<>();
        for (var detail : request.getErrorDetail().getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    detail.unpack(ErrorInfo.class).getMetadataMap().forEach((name, error) -> {
                        if (sent.upserts.containsKey(name) || sent.removals.contains(name)) rejected.put(name, error);
                    });
                } catch (InvalidProtocolBufferException e) {
                    // fall through: treat the whole response as rejected
                }
            }
        }
        if (rejected.isEmpty()) {
            String message = request.getErrorDetail().getMessage();
            sent.upserts.keySet().forEach(n -> rejected.put(n, message));
            sent.removals.forEach(n -> rejected.put(n, message));
        }
        return rejected;
    }

    public boolean subscribed(String typeUrl) {
        return types.containsKey(typeUrl);
    }

    public Set<String> subscribedTypes() {
        return Set.copyOf(types.keySet());
    }

    /** Responses sent and not yet ACKed or NACKed. */
    public int inFlight() {
        return inFlight.size();
    }

    /** The versions the peer confirmed for a type (for insights and tests). */
    public Map<String, String> acked(String typeUrl) {
        TypeState s = types.get(typeUrl);
        return s == null ? Map.of() : Map.copyOf(s.acked);
    }

    /**
     * The responses that bring the peer from what it is expected to have to {@code desired}; upserts first, removals
     * in the last response. Records them as in flight.
     *
     * @param desired   the current resources of the type (by delta name) this peer should have
     * @param include   which of {@code desired} this peer may receive
     * @param names     the names to look at, or null for a full diff
     * @param changedAt when the oldest change being sent happened (for the push latency)
     * @param always    send one (possibly empty) response even when nothing differs, so the peer knows it is in sync
     */
    public List<DeltaDiscoveryResponse> diff(String typeUrl, Map<String, VersionedResource> desired, Predicate<VersionedResource> include,
                                             Collection<String> names, Instant changedAt, boolean always) {
        TypeState state = types.get(typeUrl);
        if (state == null || state.versionsWanted) return List.of();
        if (state.claimedDigest != null) {
            if (!adoptClaimedDigest(state, desired, include)) {
                state.versionsWanted = true;
                return List.of(VersionDigest.versionsWanted(typeUrl, Long.toString(++nonces)));
            }
            // The peer holds exactly what it should. A change racing with this check reaches the session's dirty set
            // after the index holds it, so it is diffed on the next flush: nothing to diff now.
            names = List.of();
        }
        List<VersionedResource> upserts = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        if (names == null) {
            for (VersionedResource want : desired.values()) {
                consider(state, want.name(), include.test(want) ? want : null, upserts, removals);
            }
            for (String name : state.expected.keySet()) {
                if (!desired.containsKey(name)) consider(state, name, null, upserts, removals);
            }
        } else {
            for (String name : new HashSet<>(names)) {
                VersionedResource want = desired.get(name);
                consider(state, name, want != null && include.test(want) ? want : null, upserts, removals);
            }
        }
        if (upserts.isEmpty() && removals.isEmpty() && !always) return List.of();
        // Name order: responses are reproducible, and a split never depends on hash-map iteration.
        upserts.sort(Comparator.comparing(VersionedResource::name));
        removals.sort(Comparator.naturalOrder());

        List<DeltaDiscoveryResponse> out = new ArrayList<>();
        DeltaDiscoveryResponse.Builder current = DeltaDiscoveryResponse.newBuilder().setTypeUrl(typeUrl);
        Map<String, String> currentVersions = new LinkedHashMap<>();
        int bytes = 0;
        for (VersionedResource r : upserts) {
            Resource proto = Resource.newBuilder().setName(r.name()).setVersion(r.version()).setResource(r.envelope()).build();
            int size = proto.getSerializedSize() + 8;
            if (bytes > 0 && bytes + size > maxResponseBytes) {
                out.add(seal(state, current, currentVersions, List.of(), changedAt));
                current = DeltaDiscoveryResponse.newBuilder().setTypeUrl(typeUrl);
                currentVersions = new LinkedHashMap<>();
                bytes = 0;
            }
            current.addResources(proto);
            currentVersions.put(r.name(), r.version());
            bytes += size;
        }
        current.addAllRemovedResources(removals);
        out.add(seal(state, current, currentVersions, removals, changedAt));
        return out;
    }

    /** Adds {@code name} to what must be sent if the peer is not expected to hold {@code want} (null: should not have it). */
    private static void consider(TypeState state, String name, VersionedResource want, List<VersionedResource> upserts, List<String> removals) {
        String has = state.expected.get(name);
        String rejected = state.nacked.get(name);
        if (want != null) {
            if (!want.version().equals(has) && !want.version().equals(rejected)) upserts.add(want);
        } else if (has != null && !REMOVAL.equals(rejected)) {
            removals.add(name);
        }
    }

    /**
     * Whether the peer's claimed digest is that of exactly what it should have; if so, that is what it is now known to
     * hold. Hashes and copies in one pass over {@code desired}, so a concurrent change cannot make the two disagree.
     */
    private static boolean adoptClaimedDigest(TypeState state, Map<String, VersionedResource> desired, Predicate<VersionedResource> include) {
        VersionDigest digest = VersionDigest.EMPTY;
        for (VersionedResource v : desired.values()) {
            if (!include.test(v)) continue;
            state.acked.put(v.name(), v.version());
            digest = digest.plus(v.digest());
        }
        boolean matches = digest.toString().equals(state.claimedDigest);
        state.claimedDigest = null;
        if (matches) state.expected.putAll(state.acked);
        else state.acked.clear();
        return matches;
    }

    private DeltaDiscoveryResponse seal(TypeState state, DeltaDiscoveryResponse.Builder b, Map<String, String> upserts, List<String> removals,
                                        Instant changedAt) {
        String nonce = Long.toString(++nonces);
        b.setNonce(nonce).setSystemVersionInfo(nonce);
        state.expected.putAll(upserts);
        removals.forEach(state.expected::remove);
        inFlight.put(nonce, new InFlight(b.getTypeUrl(), Map.copyOf(upserts), List.copyOf(removals), changedAt == null ? clock.instant() : changedAt));
        return b.build();
    }

    private static final class TypeState {
        final Map<String, String> acked = new HashMap<>();
        final Map<String, String> expected = new HashMap<>();
        final Map<String, String> nacked = new HashMap<>();
        /** The digest the peer subscribed with, until the first diff checks it. */
        String claimedDigest;
        /** The digest did not match: nothing is sent until the peer subscribes again with its versions. */
        boolean versionsWanted;
    }

    private record InFlight(String typeUrl, Map<String, String> upserts, List<String> removals, Instant changedAt) {
        void applyTo(Map<String, String> acked, Predicate<String> accepted) {
            upserts.forEach((n, v) -> {
                if (accepted.test(n)) acked.put(n, v);
            });
            removals.forEach(n -> {
                if (accepted.test(n)) acked.remove(n);
            });
        }
    }
}
