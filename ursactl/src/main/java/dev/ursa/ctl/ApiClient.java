package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The admin REST API over {@link HttpClient}: JSON in and out, a user token as {@code Authorization: Bearer}, and every
 * non-2xx answer turned into a {@link CliException} carrying the server's {@code causes} (field paths).
 */
public final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final HttpClient http;

    public ApiClient(String address, String token, String caFile) {
        String a = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
        if (!a.startsWith("http://") && !a.startsWith("https://")) {
            throw CliException.usage("address \"" + address + "\" must start with http:// or https://");
        }
        this.base = URI.create(a);
        this.token = token == null || token.isBlank() ? null : token.strip();
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (caFile != null && !caFile.isBlank()) b.sslContext(trusting(Path.of(caFile)));
        this.http = b.build();
    }

    public String address() {
        return base.toString();
    }

    /** A 2xx answer. */
    public record Response(int status, String body, List<String> warnings) {
        public JsonNode json() {
            try {
                return Json.JSON.readTree(body);
            } catch (IOException e) {
                throw CliException.refused("the control plane answered something that is not JSON: " + e.getMessage());
            }
        }
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    /** GET, with 404 as empty. */
    public Optional<Response> find(String path) {
        try {
            return Optional.of(get(path));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    public Response put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    /** The token endpoints answer text/plain (the JWT); errors stay JSON. */
    public Response postForText(String path, JsonNode body) {
        return send("POST", path, body, "text/plain, application/json;q=0.9");
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** Every item of a paged list ({@code {"total","items","next"}}), following {@code next}. */
    public List<JsonNode> list(String path) {
        List<JsonNode> items = new ArrayList<>();
        String next = path + (path.contains("?") ? "&" : "?") + "size=1000";
        while (next != null) {
            JsonNode page = get(next).json();
            page.path("items").forEach(items::add);
            JsonNode n = page.path("next");
            next = n.isTextual() && !n.asText().isEmpty() ? relative(n.asText()) : null;
        }
        return items;
    }

    /** {@code next} is absolute as the server sees itself (maybe behind a proxy): keep our own base. */
    private static String relative(String url) {
        URI u = URI.create(url);
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    private Response send(String method, String path, JsonNode body) {
        return send(method, path, body, "application/json");
    }

    private Response send(String method, String path, JsonNode body, String accept) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", accept);
        if (token != null) rb.header("Authorization", "Bearer " + token);
        if (body != null) {
            rb.header("Content-Type", "application/json");
            rb.method(method, HttpRequest.BodyPublishers.ofByteArray(write(body)));
        } else {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.CONNECTION, "cannot connect to " + base + ": connection refused", List.of());
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.CONNECTION, "no answer from " + base + " within " + TIMEOUT.toSeconds() + "s", List.of());
        } catch (SSLException e) {
            throw new CliException(ExitCodes.CONNECTION, "TLS with " + base + " failed: " + e.getMessage()
                    + " (--ca-file or the control plane's caFile names the CA that signed its certificate)", List.of());
        } catch (IOException e) {
            throw new CliException(ExitCodes.CONNECTION, "cannot reach " + base + ": " + e, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.CONNECTION, "interrupted", List.of());
        }
        List<String> warnings = r.headers().allValues("Warning").stream().map(ApiClient::warningText).toList();
        if (r.statusCode() / 100 == 2) return new Response(r.statusCode(), r.body(), warnings);
        throw failure(method, path, r);
    }

    private static byte[] write(JsonNode body) {
        try {
            return Json.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code 299 ursa "field: message"} → {@code field: message}. */
    private static String warningText(String header) {
        int q = header.indexOf('"');
        return q >= 0 && header.endsWith("\"") && header.length() > q + 1 ? header.substring(q + 1, header.length() - 1) : header;
    }

    /** Thrown for a 404, so callers can tell "absent" from other refusals. */
    public static final class NotFound extends CliException {
        NotFound(String message, List<Cause> causes) {
            super(ExitCodes.REFUSED, message, causes);
        }
    }

    private static CliException failure(String method, String path, HttpResponse<String> r) {
        String title = null;
        String details = null;
        List<CliException.Cause> causes = new ArrayList<>();
        try {
            JsonNode e = Json.JSON.readTree(r.body());
            if (e != null && e.isObject()) {
                title = text(e, "title");
                details = text(e, "details");
                e.path("causes").forEach(c -> causes.add(new CliException.Cause(c.path("field").asText(""), c.path("message").asText(""))));
            }
        } catch (IOException | RuntimeException notJson) {
            details = r.body() == null ? null : r.body().strip();
        }
        StringBuilder m = new StringBuilder().append(method).append(' ').append(path).append(": ").append(r.statusCode());
        if (title != null && !title.isEmpty()) m.append(' ').append(title);
        if (details != null && !details.isEmpty() && !details.equals(title)) m.append(": ").append(details);
        if (r.statusCode() == 404) return new NotFound(m.toString(), causes);
        return new CliException(ExitCodes.REFUSED, m.toString(), causes);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) throw CliException.usage("no certificate in CA file " + caFile);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw CliException.usage("cannot read CA file " + caFile + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw CliException.usage("CA file " + caFile + " is not a PEM certificate: " + e.getMessage());
        }
    }
}
