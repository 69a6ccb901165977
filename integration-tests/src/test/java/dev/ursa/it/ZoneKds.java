package dev.ursa.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a zone CP process dials its global with the secure defaults, as an operator sets it up: KDS over TLS
 * ({@code grpcs://}) verified with the CA the global serves at {@code GET /kds/ca.pem}, and the zone token in a file
 * readable by this user only ({@code ursa.zone.token-file}), never on the command line where {@code ps} shows it.
 * Files go under {@code integration-tests/target/it-logs/kds/}.
 */
public final class ZoneKds {
    private ZoneKds() {
    }

    private static Path dir() throws IOException {
        return Files.createDirectories(UrsaProcess.repoRoot().resolve("integration-tests/target/it-logs/kds"));
    }

    /** {@code POST /tokens/zone} on the global with {@code body}; the JWT. */
    public static String mint(String globalUrl, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = Http.client().send(HttpRequest.newBuilder(URI.create(globalUrl + "/tokens/zone"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("POST /tokens/zone " + body + ": " + r.statusCode() + " " + r.body());
        return r.body().trim();
    }

    /** A zone token of {@code zone} with the default scope (a zone CP's KDS stream). */
    public static String mint(String globalUrl, String zone, String validFor) throws IOException, InterruptedException {
        return mint(globalUrl, "{\"zone\":\"" + zone + "\",\"validFor\":\"" + validFor + "\"}");
    }

    /** The global's KDS CA ({@code GET /kds/ca.pem}) in a file of its own. */
    public static Path caFile(String globalUrl) throws IOException, InterruptedException {
        Http.Reply ca = Http.getText(globalUrl + "/kds/ca.pem");
        if (ca.status() != 200 || !ca.body().startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalStateException("GET /kds/ca.pem: " + ca.status() + " " + ca.body());
        }
        return Files.writeString(dir().resolve("ca-" + System.nanoTime() + ".pem"), ca.body());
    }

    /** Writes {@code token} to a new file only this user can read. */
    public static Path tokenFile(String token) throws IOException {
        Path file = Files.createFile(dir().resolve("zone-" + System.nanoTime() + ".token"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, token);
    }

    /** The zone CP properties for zone {@code zone} dialling {@code 127.0.0.1:kdsPort} over TLS with these files. */
    public static Map<String, String> props(String zone, int kdsPort, Path caFile, Path tokenFile) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("ursa.zone.name", zone);
        props.put("ursa.zone.global-address", "grpcs://127.0.0.1:" + kdsPort);
        props.put("ursa.zone.kds.ca-file", caFile.toString());
        props.put("ursa.zone.token-file", tokenFile.toString());
        return props;
    }

    /** Mints a 24 h token for {@code zone}, fetches the CA, and returns the zone CP properties (see the class comment). */
    public static Map<String, String> props(String globalUrl, String zone, int kdsPort) throws IOException, InterruptedException {
        return props(zone, kdsPort, caFile(globalUrl), tokenFile(mint(globalUrl, zone, "24h")));
    }
}
