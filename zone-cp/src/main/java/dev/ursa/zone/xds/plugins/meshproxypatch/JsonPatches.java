package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.envoy.EnvoyJson;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.JsonPatchBlock;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Kuma's {@code jsonpatch.MergeJsonPatch}: an Envoy message as its proto3 JSON, RFC 6902 operations applied to it, and
 * the result read back as the message's type (unknown fields ignored), replacing it. The operations are Jakarta JSON-P's
 * ({@link jakarta.json.JsonPatch}, implemented by Eclipse Parsson), one at a time, with the options Kuma sets on
 * evanphx/json-patch: negative array indices count from the end, removing a missing path does nothing, and adding
 * creates the missing parents (objects, or arrays padded with nulls when the next token is an index). Stateless.
 */
final class JsonPatches {
    private static final JsonProvider JSON_P = JsonProvider.provider();

    private JsonPatches() {
    }

    /** @throws InvalidProtocolBufferException when an operation does not apply or the result is not the message's type */
    @SuppressWarnings("unchecked")
    static <M extends Message> M apply(M message, List<JsonPatchBlock> blocks) throws InvalidProtocolBufferException {
        JsonStructure doc = read(EnvoyJson.print(message));
        for (int i = 0; i < blocks.size(); i++) {
            try {
                doc = applyOne(doc, blocks.get(i));
            } catch (RuntimeException e) {
                JsonPatchBlock b = blocks.get(i);
                throw new InvalidProtocolBufferException("jsonPatches[" + i + "] (" + b.op() + " " + b.path() + ") does not apply: " + e.getMessage());
            }
        }
        try {
            return (M) EnvoyJson.mergeJson(Json.JSON.readTree(doc.toString()), message.newBuilderForType()).build();
        } catch (JsonProcessingException e) {
            throw new InvalidProtocolBufferException(e.getOriginalMessage());
        }
    }

    private static JsonStructure applyOne(JsonStructure doc, JsonPatchBlock b) {
        try {
            String op = b.op();
            boolean add = op.equals("add");
            String path = fromEnd(doc, b.path(), add);
            if (op.equals("remove") && !exists(doc, path)) return doc;
            JsonStructure target = add && !path.isEmpty() ? ensureParents(doc, path) : doc;
            JsonObjectBuilder o = JSON_P.createObjectBuilder().add("op", op).add("path", path);
            if (b.from() != null) o.add("from", fromEnd(target, b.from(), false));
            if (b.value() != null) o.add("value", JSON_P.createReader(new StringReader(b.value().toString())).readValue());
            JsonArray patch = JSON_P.createArrayBuilder().add(o).build();
            return JSON_P.createPatch(patch).apply(target);
        } catch (JsonException e) {
            throw new IllegalArgumentException(explain(doc, b, e));
        }
    }

    /** Why an operation failed, without the whole document JSON-P quotes in its messages. */
    private static String explain(JsonStructure doc, JsonPatchBlock b, JsonException e) {
        if (b.op().equals("replace") && !exists(doc, fromEnd(doc, b.path(), false))) return "no value at " + b.path();
        if ((b.op().equals("move") || b.op().equals("copy")) && b.from() != null && !exists(doc, fromEnd(doc, b.from(), false))) {
            return "no value at " + b.from();
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("'[\\[{].*[\\]}]'", "at that path");
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    private static JsonStructure read(String json) {
        return JSON_P.createReader(new StringReader(json)).read();
    }

    /** The pointer with each negative array index counted from the end (for the last token of an add: from after it). */
    private static String fromEnd(JsonStructure doc, String pointer, boolean add) {
        List<String> tokens = tokens(pointer);
        JsonValue at = doc;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            boolean last = i == tokens.size() - 1;
            if (at instanceof JsonArray a && t.matches("-[0-9]{1,9}")) {
                int idx = Integer.parseInt(t) + a.size() + (last && add ? 1 : 0);
                if (idx >= 0) t = Integer.toString(idx);
            }
            out.append('/').append(t.replace("~", "~0").replace("/", "~1"));
            at = child(at, t);
        }
        return out.toString();
    }

    private static boolean exists(JsonStructure doc, String pointer) {
        JsonValue at = doc;
        for (String t : tokens(pointer)) {
            at = child(at, t);
            if (at == null) return false;
        }
        return true;
    }

    /** evanphx/json-patch's ensurePathExists: every missing parent of {@code pointer} created, as the next token needs. */
    private static JsonStructure ensureParents(JsonStructure doc, String pointer) {
        List<String> tokens = tokens(pointer);
        JsonStructure current = doc;
        StringBuilder parent = new StringBuilder();
        for (int i = 0; i < tokens.size() - 1; i++) {
            String t = tokens.get(i);
            JsonValue container = current.getValue(parent.isEmpty() ? "" : parent.toString());
            String here = parent + "/" + t.replace("~", "~0").replace("/", "~1");
            if (child(container, t) == null) {
                if (container instanceof JsonArray a && t.matches("[0-9]{1,9}")) {
                    for (int pad = a.size(); pad < Integer.parseInt(t); pad++) current = add(current, parent + "/-", JsonValue.NULL);
                }
                String next = tokens.get(i + 1);
                boolean array = next.equals("-") || next.matches("-?[0-9]{1,9}");
                if (array) {
                    current = add(current, here, JsonValue.EMPTY_JSON_ARRAY);
                    int pads = next.matches("[0-9]{1,9}") ? Integer.parseInt(next) : 0;
                    for (int pad = 0; pad < pads; pad++) current = add(current, here + "/-", JsonValue.NULL);
                } else {
                    current = add(current, here, JsonValue.EMPTY_JSON_OBJECT);
                }
            }
            parent = new StringBuilder(here);
        }
        return current;
    }

    private static JsonStructure add(JsonStructure doc, String pointer, JsonValue value) {
        return JSON_P.createPatchBuilder().add(pointer, value).build().apply(doc);
    }

    /** The child a token names, or null. */
    private static JsonValue child(JsonValue v, String token) {
        if (v == null) return null;
        if (v.getValueType() == JsonValue.ValueType.OBJECT) return v.asJsonObject().get(token);
        if (v instanceof JsonArray a && token.matches("[0-9]{1,9}")) {
            int i = Integer.parseInt(token);
            return i < a.size() ? a.get(i) : null;
        }
        return null;
    }

    /** RFC 6901 tokens, unescaped ("" is the whole document). */
    private static List<String> tokens(String pointer) {
        List<String> out = new ArrayList<>();
        if (pointer.isEmpty()) return out;
        if (!pointer.startsWith("/")) throw new IllegalArgumentException("a JSON pointer starts with /: \"" + pointer + "\"");
        for (String t : pointer.substring(1).split("/", -1)) out.add(t.replace("~1", "/").replace("~0", "~"));
        return out;
    }
}
