package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.ApiError;
import dev.ursa.cp.api.ErrorMappers;
import dev.ursa.cp.api.Formats;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.ReservedLabels;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.inspect.v1.InspectRequest;
import dev.ursa.sync.inspect.v1.InspectResponse;
import dev.ursa.sync.peer.Direction;
import dev.ursa.sync.peer.KdsServerHandler;
import dev.ursa.sync.peer.ZoneInspections;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /meshes/{mesh}/dataplanes/{name}/_config} and {@code .../_policies} at the global, for any zone's
 * dataplane: {@code name} is the global's name of it, {@code <zone>.<name in the zone>} (as in
 * {@code dataplanes/_overview}). The global cannot call a zone (zones dial it, maybe from behind NAT), so it asks over the
 * zone's KDS Inspect stream ({@link ZoneInspections}) and answers with the zone's own document, JSON or YAML as
 * {@code Accept} asks. Refusals: the zone's 404 (unknown dataplane) passed through; 503 when the zone is not connected,
 * or is connected by a zone CP that opens no Inspect stream (older); 504 when it does not answer within
 * {@code ursa.kds.inspect-timeout}; 429 when {@code ursa.kds.inspect-max-in-flight} requests already wait for that
 * zone; 502 when the zone failed. Counted and timed per zone, kind and outcome ({@code ursa_kds_inspect_seconds}).
 * Sits at {@code /} like the resource API (see the zone's DataplaneInspectionApi for why).
 */
@Path("/")
@Produces({MediaType.APPLICATION_JSON, "application/yaml"})
public class ZoneDataplaneInspectionApi {
    private static final Logger LOG = Logger.getLogger(ZoneDataplaneInspectionApi.class);

    private final ResourceStore store;
    private final KdsServer kds;
    private final MeterRegistry metrics;
    private final ZoneInspections.Limits limits;

    public ZoneDataplaneInspectionApi(ResourceStore store, KdsServer kds, KdsConfig config, MeterRegistry metrics) {
        this.store = store;
        this.kds = kds;
        this.metrics = metrics;
        this.limits = new ZoneInspections.Limits(config.inspectTimeout(), config.inspectMaxInFlight());
    }

    @GET
    @Path("meshes/{mesh}/dataplanes/{name}/_config")
    public CompletionStage<Response> config(@PathParam("mesh") String mesh, @PathParam("name") String name, @QueryParam("flavour") String flavour,
                                            @Context HttpHeaders headers) {
        return inspect(InspectRequest.Kind.CONFIG, mesh, name, flavour, headers);
    }

    @GET
    @Path("meshes/{mesh}/dataplanes/{name}/_policies")
    public CompletionStage<Response> policies(@PathParam("mesh") String mesh, @PathParam("name") String name, @QueryParam("flavour") String flavour,
                                              @Context HttpHeaders headers) {
        return inspect(InspectRequest.Kind.POLICIES, mesh, name, flavour, headers);
    }

    /** The zone a dataplane runs in and its name there. */
    record Target(String zone, String name) {
        /** From the global's Dataplane (its {@code kuma.io/zone} label), else from the name's {@code <zone>.} prefix. */
        static Optional<Target> of(String name, Optional<Resource> dataplane) {
            String zone = dataplane.map(d -> d.meta().labels().get(ReservedLabels.ZONE)).orElse(null);
            if (zone != null && name.startsWith(zone + ".")) return Optional.of(new Target(zone, name.substring(zone.length() + 1)));
            // zone names are DNS labels (no dots): the first dot ends the zone
            int dot = name.indexOf('.');
            return dot > 0 && dot < name.length() - 1 ? Optional.of(new Target(name.substring(0, dot), name.substring(dot + 1))) : Optional.empty();
        }
    }

    /**
     * What happened, for the metric's {@code outcome} tag and the answer; {@code zone} is the metric's zone tag, empty
     * unless the zone is known (so made-up names add no time series).
     */
    private record Outcome(String zone, String tag, Response response) {
    }

    private CompletionStage<Response> inspect(InspectRequest.Kind kind, String mesh, String name, String flavour, HttpHeaders headers) {
        Format format = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        long start = System.nanoTime();
        String what = kind.name().toLowerCase();
        return store.get(ResourceKey.of(ResourceTypes.DATAPLANE, mesh, name)).thenCompose(dataplane -> {
            Optional<Target> target = Target.of(name, dataplane);
            if (target.isEmpty()) {
                return CompletableFuture.completedFuture(new Outcome("", "not_found", error(404, "Not found", "no Dataplane \"" + name + "\" in mesh \""
                        + mesh + "\" at the global: a zone's dataplanes are named <zone>.<name> here (see GET /meshes/" + mesh
                        + "/dataplanes/_overview)", headers)));
            }
            Target t = target.get();
            InspectRequest question = InspectRequest.newBuilder().setKind(kind).setMesh(mesh).setDataplane(t.name())
                    .setFlavour(flavour == null ? "" : flavour).build();
            CompletableFuture<InspectResponse> answer = kds.inspections()
                    .map(i -> i.ask(t.zone(), question, limits))
                    .orElseGet(() -> CompletableFuture.failedFuture(new ZoneInspections.Failure(ZoneInspections.Failure.Reason.NOT_OPEN, "KDS not started")));
            return answer.handle((r, e) -> e == null ? CompletableFuture.completedFuture(answered(t, r, format, headers))
                    : failed(t, unwrap(e), dataplane.isPresent(), headers)).thenCompose(o -> o);
        }).thenApply(o -> {
            Timer.builder("ursa.kds.inspect").description("dataplane _config/_policies requests the global forwarded to a zone over KDS")
                    .tag("zone", o.zone()).tag("kind", what).tag("outcome", o.tag()).register(metrics)
                    .record(Duration.ofNanos(System.nanoTime() - start));
            return o.response();
        });
    }

    private Outcome answered(Target t, InspectResponse r, Format format, HttpHeaders headers) {
        if (r.getStatus() == 200) {
            JsonNode body;
            try {
                body = Json.JSON.readTree(r.getJson());
            } catch (IOException e) {
                return new Outcome(t.zone(), "zone_error", error(502, "Bad zone answer", "zone " + t.zone() + " answered with a document that is not JSON: "
                        + e.getMessage(), headers));
            }
            Object entity = format == Format.JSON ? body.toPrettyString() : ResourceCodec.write(body, format); // as the zone writes it
            return new Outcome(t.zone(), "ok", Response.ok(entity, Formats.mediaType(format)).build());
        }
        if (r.getStatus() == 404) return new Outcome(t.zone(), "not_found", error(404, "Not found", "zone " + t.zone() + ": " + r.getError(), headers));
        if (r.getStatus() >= 400 && r.getStatus() < 500) {
            return new Outcome(t.zone(), "refused", error(r.getStatus(), "Refused by the zone", "zone " + t.zone() + ": " + r.getError(), headers));
        }
        return new Outcome(t.zone(), "zone_error", error(502, "Zone failed", "zone " + t.zone() + " failed to answer (status " + r.getStatus() + "): "
                + r.getError(), headers));
    }

    private CompletionStage<Outcome> failed(Target t, Throwable e, boolean knownDataplane, HttpHeaders headers) {
        if (e instanceof TimeoutException) {
            return done(new Outcome(t.zone(), "timeout", error(504, "Zone did not answer", "zone " + t.zone() + " did not answer within "
                    + limits.timeout().toMillis() + " ms (ursa.kds.inspect-timeout); retry later", headers)));
        }
        if (e instanceof ZoneInspections.Failure f) {
            return switch (f.reason()) {
                case NOT_OPEN -> notOpen(t, knownDataplane, headers);
                case BUSY -> done(new Outcome(t.zone(), "busy", error(429, "Too many requests", f.getMessage() + " (ursa.kds.inspect-max-in-flight)", headers)));
                case STREAM_LOST -> done(new Outcome(t.zone(), "stream_lost", error(503, "Zone disconnected", f.getMessage()
                        + "; retry once the zone is back", headers)));
            };
        }
        LOG.errorf(e, "inspecting a dataplane of zone %s failed", t.zone());
        return done(new Outcome(t.zone(), "error", error(502, "Zone failed", "asking zone " + t.zone() + " failed: " + e, headers)));
    }

    /**
     * No Inspect stream: a zone connected with an older zone CP (it syncs, but opens no Inspect stream), a zone not
     * connected, or no such zone (404, as for any unknown dataplane).
     */
    private CompletionStage<Outcome> notOpen(Target t, boolean knownDataplane, HttpHeaders headers) {
        Optional<KdsServerHandler.Stream> syncing = kds.openStreams().stream()
                .filter(s -> s.zone().equals(t.zone()) && s.direction() != Direction.INSPECT).findFirst();
        if (syncing.isPresent()) {
            String version = syncing.get().cpVersion().isEmpty() ? "" : " (version " + syncing.get().cpVersion() + ")";
            return done(new Outcome(t.zone(), "zone_outdated", error(503, "Zone cannot be inspected", "zone " + t.zone() + " is connected, but"
                    + " its zone CP" + version + " does not open KDS's Inspect stream: it is older than this global; upgrade it to inspect"
                    + " its dataplanes here, or ask the zone's own API", headers)));
        }
        Outcome offline = new Outcome(t.zone(), "zone_offline", error(503, "Zone not connected", "zone " + t.zone() + " is not connected to"
                + " this global control plane; its dataplanes can be inspected once it is", headers));
        if (knownDataplane) return done(offline);
        return store.get(ResourceKey.of(ResourceTypes.ZONE, "", t.zone())).thenApply(zone -> zone.isPresent() ? offline
                : new Outcome("", "not_found", error(404, "Not found", "no zone \"" + t.zone() + "\" (from the dataplane name \"" + t.zone()
                + "." + t.name() + "\": a zone's dataplanes are named <zone>.<name> here)", headers)));
    }

    private static CompletionStage<Outcome> done(Outcome o) {
        return CompletableFuture.completedFuture(o);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static Response error(int status, String title, String details, HttpHeaders headers) {
        return ErrorMappers.error(ApiError.of(status, title, details), headers);
    }
}
