package dev.ursa.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The credentials xDS clients present to a zone CP, minted through its (loopback, hence admin) API as an operator
 * would: dataplane tokens for grpc-xds clients (node metadata {@code dataplane.token}, see
 * {@code XdsBootstrap.withToken}) and ingress tokens, written to files only their owner can read (never passed on a
 * command line). Files go under {@code integration-tests/target/it-logs/tokens/}.
 */
public final class XdsTokens {
    private XdsTokens() {
    }

    /** A dataplane token for any dataplane of {@code mesh} in the zone at {@code zoneUrl}. */
    public static String dataplane(String zoneUrl, String mesh) throws IOException, InterruptedException {
        return mint(zoneUrl + "/tokens/dataplane", "{\"mesh\":\"" + mesh + "\",\"validFor\":\"24h\"}");
    }

    /** A zone token with scope ingress, issued by the zone CP at {@code zoneUrl}, in a file of its own. */
    public static Path ingressTokenFile(String zoneUrl, String name) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(UrsaProcess.repoRoot().resolve("integration-tests/target/it-logs/tokens"));
        Path file = Files.createFile(dir.resolve(name + "-" + System.nanoTime() + ".token"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, mint(zoneUrl + "/tokens/zone", "{\"scope\":[\"ingress\"],\"validFor\":\"24h\"}"));
    }

    private static String mint(String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = Http.client().send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("POST " + url + ": " + r.statusCode() + " " + r.body());
        return r.body().trim();
    }
}
