package dev.ursa.mesh.envoy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.ursa.mesh.codec.Json;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Envoy resources to and from their JSON and YAML forms as Kuma reads and writes them ({@code pkg/util/proto}):
 * {@link #mergeYaml} is its {@code FromYAML} (YAML to JSON, then jsonpb with unknown fields ignored), {@link #print}
 * its {@code ToJSON} (proto3 JSON, lowerCamelCase, defaults left out). Packed ({@code Any}) types are those of the
 * Envoy API ({@link EnvoyTypes}). Stateless.
 */
public final class EnvoyJson {
    private EnvoyJson() {
    }

    /**
     * Merges {@code yaml} (text Kuma reads with {@code yaml.YAMLToJSON}, falling back to the text itself as JSON) into
     * {@code into}. An empty document is an empty message, as jsonpb reads {@code null}.
     *
     * @throws InvalidProtocolBufferException what does not parse as the message, with the parser's reason
     */
    public static <B extends Message.Builder> B mergeYaml(String yaml, B into) throws InvalidProtocolBufferException {
        JsonNode tree;
        try {
            tree = Json.YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            tree = null;
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            if (tree == null && !yaml.isBlank()) {
                return mergeJson(yaml, JsonFormat.TypeRegistry.getEmptyTypeRegistry(), into); // not YAML: jsonpb reads the text
            }
            tree = JsonNodeFactory.instance.objectNode();
        }
        return mergeJson(tree, into);
    }

    /** Merges a JSON tree into {@code into} (unknown fields ignored, packed types from the Envoy API). */
    public static <B extends Message.Builder> B mergeJson(JsonNode json, B into) throws InvalidProtocolBufferException {
        return mergeJson(json.toString(), EnvoyTypes.registryFor(json), into);
    }

    private static <B extends Message.Builder> B mergeJson(String json, JsonFormat.TypeRegistry types, B into) throws InvalidProtocolBufferException {
        try {
            JsonFormat.parser().ignoringUnknownFields().usingTypeRegistry(types).merge(json, into);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // the parser also reports some malformed input as unchecked exceptions (Gson's)
            throw new InvalidProtocolBufferException(reason(e.getMessage()));
        }
        return into;
    }

    private static final Pattern CLASS_PREFIX = Pattern.compile("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*: *");

    /** The parser's reason, for a user: its first line, without Java class names and Gson's advice. */
    private static String reason(String message) {
        if (message == null) return "does not parse";
        String first = message.lines().findFirst().orElse("");
        String clean = CLASS_PREFIX.matcher(first).replaceAll("")
                .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON").strip();
        return clean.isEmpty() ? "does not parse" : clean;
    }

    /** Kuma's {@code ToJSON}: the message as proto3 JSON, packed types expanded. */
    public static String print(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return JsonFormat.printer().usingTypeRegistry(EnvoyTypes.registryFor(message, List.of())).print(message);
    }
}
