package dev.ursa.cp.api;

import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ResourceStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code GET /events}: the store's change feed as Server-Sent Events, one JSON object per committed change
 * ({@code curl -N localhost:5681/events}). An Ursa addition to Kuma's API, for operators and tests: with the Postgres
 * store it shows changes committed by every instance sharing the database.
 */
@Path("/events")
public class EventsApi {
    private static final Logger LOG = Logger.getLogger(EventsApi.class);
    /** A watcher this far behind is cut off rather than buffering without bound; it can reconnect. */
    private static final int MAX_BUFFERED = 10_000;

    private final ResourceStore store;

    public EventsApi(ResourceStore store) {
        this.store = store;
    }

    public record Event(String type, String mesh, String name, String kind, long version, String at) {
        static Event of(ChangeEvent e) {
            return new Event(e.key().type(), e.key().mesh(), e.key().name(), e.kind().name(), e.version(), e.at().toString());
        }
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Event> events() {
        return Multi.createFrom().<Event>emitter(emitter -> {
            AutoCloseable subscription = store.changes().subscribe(e -> {
                if (ResourceTypes.isExportable(e.key().type())) emitter.emit(Event.of(e)); // never secrets
            });
            emitter.onTermination(() -> {
                try {
                    subscription.close();
                } catch (Exception ex) {
                    LOG.debug("closing change subscription", ex);
                }
            });
        }, BackPressureStrategy.BUFFER).onOverflow().buffer(MAX_BUFFERED)
                // Off the writer's thread: the memory store delivers changes under its write lock, and writing the
                // event to the HTTP response takes the connection's lock, which an event loop may hold while it waits
                // for the store's lock (a client sending a write on the HTTP/2 connection of its /events): a deadlock.
                .emitOn(Infrastructure.getDefaultWorkerPool());
    }
}
