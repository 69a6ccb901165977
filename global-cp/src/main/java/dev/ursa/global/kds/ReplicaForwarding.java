package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.store.ResourceStore;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A zone's KDS Inspect stream lives on the global replica the zone dialled; a request about one of its dataplanes that
 * reaches another replica (behind one admin address) is forwarded to that one: the replica holding the zone's newest
 * open subscription (its {@code globalInstanceId}), at the address it advertises with its heartbeat
 * ({@code ursa.leader.advertised-address}). The caller's {@code Authorization} and {@code Accept} go along, so the
 * other replica authenticates and authorises the call as its own; a forwarded request is never forwarded again.
 */
final class ReplicaForwarding {
    /** Marks a forwarded request (its value: the replica that forwarded it). */
    static final String FORWARDED_BY = "X-Ursa-Forwarded-By";
    private static final Logger LOG = Logger.getLogger(ReplicaForwarding.class);
    private static final Executor BLOCKING = task -> Thread.ofVirtual().name("ursa-replica-forwarding").start(task);

    private final ResourceStore store;
    private final Leadership replicas;
    private final Duration timeout;
    private final HttpClient http;

    ReplicaForwarding(ResourceStore store, Leadership replicas, Duration timeout) {
        this.store = store;
        this.replicas = replicas;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(BLOCKING).build();
    }

    /** Where the zone's streams are: another live replica, with or without an address; empty when not elsewhere. */
    record Holder(String instance, Optional<String> address) {
    }

    /** The other replica holding {@code zone}'s newest open stream, if any (never for a request forwarded already). */
    CompletionStage<Optional<Holder>> holderOf(String zone, HttpHeaders headers) {
        if (headers.getHeaderString(FORWARDED_BY) != null) return CompletableFuture.completedFuture(Optional.empty());
        return store.get(ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", zone)).thenApplyAsync(insight -> insight
                .flatMap(r -> newestOpen(r.spec(ZoneInsightSpec.class).subscriptions()))
                .filter(instance -> !instance.equals(replicas.instanceId()))
                .map(instance -> new Holder(instance, replicas.addressOf(instance))), BLOCKING)
                .exceptionally(e -> {
                    LOG.debugf("cannot tell which global replica holds zone %s: %s", zone, e.getMessage());
                    return Optional.empty();
                });
    }

    private static Optional<String> newestOpen(List<JsonNode> subscriptions) {
        if (subscriptions == null) return Optional.empty();
        for (JsonNode s : subscriptions.reversed()) {
            if (!s.has(InsightSubscriptions.DISCONNECT_TIME)) return Optional.ofNullable(s.path(InsightSubscriptions.INSTANCE).asText(null));
        }
        return Optional.empty();
    }

    /** The same GET at {@code address} ({@code pathAndQuery} as received), answered as that replica answered it. */
    CompletionStage<Response> forward(String address, String pathAndQuery, HttpHeaders headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(address.replaceAll("/+$", "") + pathAndQuery))
                .timeout(timeout).header(FORWARDED_BY, replicas.instanceId()).GET();
        for (String name : List.of(HttpHeaders.ACCEPT, HttpHeaders.AUTHORIZATION)) {
            String value = headers.getHeaderString(name);
            if (value != null) request.header(name, value);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            Response.ResponseBuilder out = Response.status(r.statusCode()).entity(r.body());
            r.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(type -> out.header(HttpHeaders.CONTENT_TYPE, type));
            return out.build();
        });
    }
}
