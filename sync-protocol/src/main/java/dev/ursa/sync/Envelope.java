package dev.ursa.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The KDS resource envelope: a protobuf {@link Any} whose type URL names the resource type and whose value is the
 * resource in Kuma's universal JSON (type, mesh, name, labels and spec; no store versions or timestamps).
 * <p>
 * Versions are content hashes over the type, the labels (without the labels the sync itself sets) and the spec in a
 * canonical JSON form (object keys sorted), so identical content has the same version on every side and after any
 * restart or database round trip, and never re-pushes.
 */
public final class Envelope {
    private Envelope() {
    }

    /** The name a resource has in a delta exchange: {@code mesh/name} inside a mesh, {@code name} outside. */
    public static String deltaName(Resource r) {
        return deltaName(r.type(), r.meta().mesh(), r.meta().name());
    }

    public static String deltaName(ResourceType type, String mesh, String name) {
        return type.meshScoped() ? mesh + "/" + name : name;
    }

    public static Any encode(Resource r) {
        Resource bare = r.withMeta(Meta.fresh(r.meta().mesh(), r.meta().name(), r.meta().labels()));
        return Any.newBuilder()
                .setTypeUrl(KdsTypes.typeUrl(r.type()))
                .setValue(ByteString.copyFrom(ResourceCodec.write(ResourceCodec.encode(bare), dev.ursa.mesh.codec.Format.JSON)))
                .build();
    }

    /**
     * Decodes and validates an envelope of {@code expected} type.
     *
     * @throws ValidationException with every problem found (bad JSON, wrong type, invalid spec)
     */
    public static Resource decode(Any any, ResourceType expected) {
        if (!KdsTypes.typeUrl(expected).equals(any.getTypeUrl())) {
            throw ValidationException.of("Resource is not valid", "type", "envelope type URL " + any.getTypeUrl() + " does not match " + KdsTypes.typeUrl(expected));
        }
        JsonNode node;
        try {
            node = Json.JSON.readTree(any.getValue().toByteArray());
        } catch (IOException e) {
            throw ValidationException.of("Resource is not valid", "", "malformed envelope JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ValidationException.of("Resource is not valid", "", "envelope must be a JSON object");
        }
        if (!expected.name().equals(node.path("type").asText())) {
            throw ValidationException.of("Resource is not valid", "type", "envelope holds " + node.path("type").asText() + ", not " + expected.name());
        }
        Resource r = ResourceCodec.decode(node, expected);
        Violations v = ResourceValidation.check(r);
        v.throwIfAny("Resource is not valid");
        return r;
    }

    /** The content hash: 128 bits of SHA-256, hex. */
    public static String version(Resource r) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("type", r.type().name());
        ObjectNode labels = content.putObject("labels");
        new TreeMap<>(r.meta().labels()).forEach((k, v) -> {
            if (!k.equals(KdsTypes.ORIGIN_LABEL) && !k.equals(KdsTypes.ZONE_LABEL)) labels.put(k, v);
        });
        content.set("spec", canonical(ResourceCodec.specToJson(r.spec())));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(Json.JSON.writeValueAsString(content).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy with every object's keys sorted, so key order (e.g. after a jsonb round trip) never changes a version. */
    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                fields.put(e.getKey(), e.getValue());
            }
            fields.forEach((k, v) -> sorted.set(k, canonical(v)));
            return sorted;
        }
        if (node.isArray()) {
            var array = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> array.add(canonical(n)));
            return array;
        }
        return node;
    }
}
