package dev.ursa.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Collects a control plane's {@code GET /events} (SSE) data lines in the background. */
public final class EventsFeed implements AutoCloseable {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    public EventsFeed(String baseUrl) {
        response = Http.client().sendAsync(HttpRequest.newBuilder(URI.create(baseUrl + "/events")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        response.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join(); // subscribed once the headers are back
        response.thenAccept(r -> Thread.ofVirtual().start(() -> {
            try {
                r.body().forEach(line -> {
                    if (line.startsWith("data:")) events.add(line.substring(5).trim());
                });
            } catch (RuntimeException e) {
                // closed
            }
        }));
    }

    public List<String> events() {
        return List.copyOf(events);
    }

    /** Events whose kind is DELETED. */
    public List<String> deletes() {
        return events.stream().filter(e -> e.contains("\"kind\":\"DELETED\"")).toList();
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        response.cancel(true);
    }
}
