package dev.ursa.cp.mtls;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Kuma's {@code system.v1alpha1.DataSource}, where a provided CA backend takes its certificate and key from: exactly
 * one of {@code secret} (a Secret of the mesh), {@code file} (a path on the control plane), {@code inline} (base64)
 * or {@code inlineString}.
 */
public sealed interface DataSource {
    /** No source chosen ({@code {}}, or only nulls). */
    record None() implements DataSource {
    }

    record Secret(String name) implements DataSource {
    }

    record File(String path) implements DataSource {
    }

    record Inline(byte[] value) implements DataSource {
    }

    record InlineString(String value) implements DataSource {
    }

    /** The fields as Kuma's protobuf JSON reads them (camelCase and proto names). */
    List<String> FIELDS = List.of("secret", "file", "inline", "inlineString", "inline_string");

    /**
     * Reads a data source object as Kuma's protobuf JSON decoding does: a null field counts as absent.
     *
     * @throws IllegalArgumentException with a cause in the words of a conversion error
     */
    static DataSource parse(JsonNode node, String field) {
        if (!node.isObject()) throw new IllegalArgumentException(field + ": must be an object");
        DataSource chosen = new None();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!FIELDS.contains(e.getKey())) throw new IllegalArgumentException(field + ": unknown field \"" + e.getKey() + "\"");
            JsonNode v = e.getValue();
            if (v.isNull()) continue;
            if (!(chosen instanceof None)) {
                throw new IllegalArgumentException(field + ": error parsing \"" + e.getKey() + "\", oneof type is already set");
            }
            if (!v.isTextual()) throw new IllegalArgumentException(field + "." + e.getKey() + ": must be a string");
            chosen = switch (e.getKey()) {
                case "secret" -> new Secret(v.asText());
                case "file" -> new File(v.asText());
                case "inline" -> new Inline(base64(v.asText(), field));
                default -> new InlineString(v.asText());
            };
        }
        return chosen;
    }

    private static byte[] base64(String text, String field) {
        // protobuf JSON takes standard or URL-safe base64, padded or not.
        String s = text.replace('-', '+').replace('_', '/').replace("=", "");
        try {
            return Base64.getDecoder().decode(s + "=".repeat((4 - s.length() % 4) % 4));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ".inline: invalid base64 data", e);
        }
    }
}
