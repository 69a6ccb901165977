package dev.ursa.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Admin API calls with a chosen {@code Authorization} header (or none), as a remote client sends them. A streaming
 * answer ({@code GET /events}) is read up to its headers and closed. No call may get a 500.
 */
final class ApiCaller {
    record Reply(int status, String body, Optional<String> wwwAuthenticate) {
    }

    private ApiCaller() {
    }

    static Reply call(String method, String url, String contentType, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<InputStream> r;
        try {
            r = Http.client().sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException(method + " " + url + ": " + e, e);
        }
        String text;
        try (InputStream in = r.body()) {
            boolean stream = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            text = stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (r.statusCode() == 500) throw new AssertionError(method + " " + url + " answered 500: " + text);
        return new Reply(r.statusCode(), text, r.headers().firstValue("WWW-Authenticate"));
    }

    static String bearer(String token) {
        return token == null ? null : "Bearer " + token;
    }

    /** Mints a user token at {@code baseUrl} with {@code adminToken}. */
    static String mint(String baseUrl, String adminToken, String name, String group, String validFor) throws IOException, InterruptedException {
        Reply r = call("POST", baseUrl + "/tokens/user", "application/json",
                "{\"name\":\"" + name + "\",\"groups\":[\"" + group + "\"],\"validFor\":\"" + validFor + "\"}", bearer(adminToken));
        if (r.status() != 200) throw new IllegalStateException("mint " + name + " at " + baseUrl + ": " + r);
        return r.body().strip();
    }

    /** The token id (jti) of a JWT, read from its claims. */
    static String tokenId(String jwt) throws IOException {
        return Federation.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).path("jti").asText();
    }
}
