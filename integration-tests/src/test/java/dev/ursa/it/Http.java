package dev.ursa.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny REST client for the admin API. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    public record Reply(int status, String body, String etag) {
    }

    public static Reply get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").GET());
    }

    /** For text endpoints such as Prometheus' {@code /q/metrics}, which answers 406 to {@code Accept: application/json}. */
    public static Reply getText(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/plain").GET());
    }

    public static Reply putYaml(String url, String yaml, String ifMatch) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/yaml").header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml));
        if (ifMatch != null) b.header("If-Match", ifMatch);
        return send(b);
    }

    public static Reply postJson(String url, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public static Reply delete(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    }

    private static Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpRequest request = b.timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        // No request may ever get a 500: whichever test made the call fails, whatever it asserts.
        if (r.statusCode() == 500) throw new AssertionError(request.method() + " " + request.uri() + " answered 500: " + r.body());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("ETag").orElse(null));
    }

    public static HttpClient client() {
        return CLIENT;
    }
}
