package dev.ursa.cp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

/** A compact JWT taken apart as text, for tests: read its header and claims, or forge a changed copy. */
public final class JwtText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JwtText() {
    }

    public static JsonNode header(String jwt) {
        return part(jwt, 0);
    }

    public static JsonNode claims(String jwt) {
        return part(jwt, 1);
    }

    /** The token with its claims changed and the original signature kept: what an attacker without the key can make. */
    public static String withClaims(String jwt, Consumer<ObjectNode> change) {
        String[] parts = jwt.split("\\.");
        ObjectNode claims = (ObjectNode) claims(jwt);
        change.accept(claims);
        try {
            return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(claims)) + "." + parts[2];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode part(String jwt, int i) {
        try {
            return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[i]), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
