package dev.ursa.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * Registers one gRPC server as a Dataplane on its zone CP's REST API (universal mode) and removes it again. The zone
 * CP then offers it to local clients and, through its ZoneIngress, to the other zones.
 */
public final class DataplaneRegistration {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI zoneApi;
    private final String mesh;
    private final String apiToken;

    public DataplaneRegistration(URI zoneApi, String mesh) {
        this(zoneApi, mesh, null);
    }

    /** @param apiToken a user token for a zone API that is not reached over loopback (sent as {@code Authorization: Bearer}); null: none */
    public DataplaneRegistration(URI zoneApi, String mesh, String apiToken) {
        this.zoneApi = zoneApi;
        this.mesh = mesh;
        this.apiToken = apiToken;
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        return apiToken == null ? b : b.header("Authorization", "Bearer " + apiToken);
    }

    static String dataplaneYaml(String mesh, Greeter.Instance instance, String address, int port) {
        return """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: %s
                  inbound:
                  - port: %d
                    tags:
                      kuma.io/service: %s
                      kuma.io/protocol: grpc
                      instance: %s
                """.formatted(mesh, instance.name(), address, port, instance.service(), instance.name());
    }

    URI dataplaneUri(String name) {
        return zoneApi.resolve("/meshes/" + mesh + "/dataplanes/" + name);
    }

    /**
     * PUTs the Dataplane, retrying until the zone accepts it or {@code timeout} passes: right after start the zone may
     * not have received the mesh from the global yet (404), or may still be starting.
     */
    public void register(Greeter.Instance instance, String address, int port, Duration timeout) throws IOException, InterruptedException {
        HttpRequest put = request(dataplaneUri(instance.name()))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(dataplaneYaml(mesh, instance, address, port)))
                .build();
        Instant deadline = Instant.now().plus(timeout);
        String last;
        while (true) {
            try {
                HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 || r.statusCode() == 201) return;
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 400) break; // invalid: retrying cannot help
            } catch (IOException e) {
                last = e.toString();
            }
            if (Instant.now().isAfter(deadline)) break;
            Thread.sleep(250); // retry interval while the zone CP catches up
        }
        throw new IOException("zone CP at " + zoneApi + " refused Dataplane " + instance.name() + ": " + last);
    }

    /** Best effort: true when the zone CP confirmed the removal (or already had none). */
    public boolean deregister(String name) {
        try {
            HttpResponse<Void> r = http.send(request(dataplaneUri(name)).timeout(Duration.ofSeconds(3)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 || r.statusCode() == 204 || r.statusCode() == 404;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
