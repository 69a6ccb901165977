package dev.ursa.sync.stream;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.sync.Envelope;
import dev.ursa.sync.KdsTypes;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The receiving side of one delta stream (the zone on GlobalToZone, the global on ZoneToGlobal), without any network.
 * It subscribes with the digest of what it already has, turns each response into a {@link Batch} to apply (decoded and
 * validated resources; undecodable ones become failures), and answers each batch with an ACK, or a NACK naming the
 * rejected resources in an {@link ErrorInfo} so the sender holds back exactly those. Not thread-safe.
 */
public final class DeltaReceiver {
    private final Function<String, Optional<ResourceType>> acceptedByTypeUrl;
    private final Set<String> synced = new HashSet<>();

    /**
     * @param accepted which of this build's types ({@link KdsTypes#byTypeUrl}) this side takes from its peer; anything
     *                 else is ignored with a warning
     */
    public DeltaReceiver(Predicate<ResourceType> accepted) {
        this.acceptedByTypeUrl = typeUrl -> KdsTypes.byTypeUrl(typeUrl).filter(accepted);
    }

    /** @param accepted the types this side takes from its peer (any types, e.g. a test's own); anything else is ignored */
    public DeltaReceiver(Collection<ResourceType> accepted) {
        Map<String, ResourceType> byTypeUrl = accepted.stream().collect(Collectors.toUnmodifiableMap(KdsTypes::typeUrl, t -> t));
        this.acceptedByTypeUrl = typeUrl -> Optional.ofNullable(byTypeUrl.get(typeUrl));
    }

    /**
     * The first request for a type on a stream: the {@link VersionDigest} of what this side holds, so the sender sends
     * only differences (nothing if it finds the same digest). A sender that finds a different one answers with
     * {@link Batch#versionsWanted()}, and {@link #subscribeWithVersions} follows.
     */
    public DeltaDiscoveryRequest subscribe(ResourceType type, VersionDigest held) {
        DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(KdsTypes.typeUrl(type));
        if (held.count() == 0) return request.build();
        return request.putInitialResourceVersions(VersionDigest.WIRE_NAME, held.toString()).build();
    }

    /** Subscribes again, this time with every version it holds: the sender's state differs from this side's. */
    public DeltaDiscoveryRequest subscribeWithVersions(ResourceType type, Map<String, String> held) {
        return DeltaDiscoveryRequest.newBuilder().setTypeUrl(KdsTypes.typeUrl(type)).putAllInitialResourceVersions(held).build();
    }

    /** One resource of a response, decoded, or the reason it could not be. */
    public record Incoming(String name, String version, Resource resource, String error) {
    }

    /**
     * What a response asks for. {@code type} is null for a type this side does not accept (ACKed, nothing applied).
     * {@code versionsWanted}: the sender did not recognise the subscription's digest; answer with
     * {@link #subscribeWithVersions}, not an ACK.
     */
    public record Batch(String typeUrl, ResourceType type, String nonce, List<Incoming> upserts, List<String> removals, boolean versionsWanted) {
        public boolean ignored() {
            return type == null;
        }
    }

    public Batch onResponse(DeltaDiscoveryResponse response) {
        String typeUrl = response.getTypeUrl();
        ResourceType type = acceptedByTypeUrl.apply(typeUrl).orElse(null);
        if (type == null) {
            return new Batch(typeUrl, null, response.getNonce(), List.of(), List.of(), false);
        }
        if (VersionDigest.asksForVersions(response)) {
            return new Batch(typeUrl, type, response.getNonce(), List.of(), List.of(), true);
        }
        List<Incoming> upserts = new ArrayList<>(response.getResourcesCount());
        for (var r : response.getResourcesList()) {
            upserts.add(decode(type, r.getName(), r.getVersion(), r.getResource()));
        }
        // A sender from before digests took the subscription's digest for a resource this side holds, and removes it
        // along with a full send: there is nothing to remove.
        List<String> removals = response.getRemovedResourcesList().stream().filter(n -> !VersionDigest.WIRE_NAME.equals(n)).toList();
        return new Batch(typeUrl, type, response.getNonce(), upserts, removals, false);
    }

    private static Incoming decode(ResourceType type, String name, String version, Any envelope) {
        try {
            Resource resource = Envelope.decode(envelope, type);
            String actual = Envelope.deltaName(resource);
            if (!actual.equals(name)) {
                return new Incoming(name, version, null, "envelope names " + actual + ", not " + name);
            }
            return new Incoming(name, version, resource, null);
        } catch (ValidationException e) {
            String causes = e.violations().stream().map(Object::toString).collect(Collectors.joining("; "));
            return new Incoming(name, version, null, causes.isEmpty() ? e.getMessage() : causes);
        } catch (RuntimeException e) {
            return new Incoming(name, version, null, "cannot decode: " + e.getMessage());
        }
    }

    /**
     * The ACK (no failures) or NACK for an applied batch.
     *
     * @param failures name -> error for each resource that could not be applied (decode failures included)
     */
    public DeltaDiscoveryRequest complete(Batch batch, Map<String, String> failures) {
        DeltaDiscoveryRequest.Builder ack = DeltaDiscoveryRequest.newBuilder().setTypeUrl(batch.typeUrl()).setResponseNonce(batch.nonce());
        if (batch.ignored()) return ack.build();
        synced.add(batch.typeUrl());
        if (failures.isEmpty()) return ack.build();
        Map<String, String> sorted = new LinkedHashMap<>();
        failures.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        String message = sorted.entrySet().stream().limit(5).map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "))
                + (sorted.size() > 5 ? " (and " + (sorted.size() - 5) + " more)" : "");
        return ack.setErrorDetail(Status.newBuilder()
                        .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
                        .setMessage(message)
                        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("REJECTED").setDomain("ursa.dev").putAllMetadata(sorted).build())))
                .build();
    }

    /** Whether a response of this type has been applied on this stream (the first one completes the initial sync). */
    public boolean synced(ResourceType type) {
        return synced.contains(KdsTypes.typeUrl(type));
    }
}
