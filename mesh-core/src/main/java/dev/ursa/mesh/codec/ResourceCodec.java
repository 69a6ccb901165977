package dev.ursa.mesh.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.model.Layout;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceSpec;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.model.TypeRegistry;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and writes resources in Kuma's universal format (JSON or YAML). Reading is strict and reports the exact field
 * path of a structural problem; semantic rules live in the validators ({@link ResourceValidation}).
 */
public final class ResourceCodec {
    /** Meta fields of the envelope a document sets. */
    private static final Set<String> META_FIELDS = Set.of("type", "mesh", "name", "labels");
    /**
     * Top-level fields a server computes, ignored on input and never stored, so that a document read with GET can be
     * written back as it is: Ursa's {@code creationTime}, {@code modificationTime} and {@code version}, and Kuma 2.14's
     * {@code kri} (its GET returns it, and kumactl puts it, with zero times, into every PUT body it builds:
     * pkg/core/resources/model/rest/v1alpha1/meta.go). Kuma also computes {@code status} and {@code snis}, but only for
     * types with a status or destinations (MeshService, MeshExternalService, ...), which Ursa does not have: for Ursa's
     * types they stay unknown fields. A write's reply carries {@code warnings} (Kuma's CreateOrUpdateSuccessResponse)
     * when it has any, so a reply written back works too. Any other unknown top-level field is refused with its name.
     */
    public static final Set<String> READ_ONLY_FIELDS = Set.of("creationTime", "modificationTime", "version", "kri", "warnings");
    private static final String TITLE = "Resource is not valid";

    private ResourceCodec() {
    }

    /** Parses a document; any syntax problem is a {@link ValidationException} naming the document. */
    public static JsonNode parse(byte[] body, Format format) {
        if (body == null || body.length == 0) {
            throw ValidationException.of(TITLE, "", "request body is empty");
        }
        try (JsonParser parser = YamlFeatures.plainData(Json.mapper(format).createParser(body))) {
            JsonNode node = Json.mapper(format).readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw ValidationException.of(TITLE, "", "request body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ValidationException.of("Could not parse the " + format + " body", "", "malformed " + format + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ValidationException.of("Could not parse the " + format + " body", "", "malformed " + format + ": " + e.getMessage());
        }
    }

    /** Decodes a full envelope ({@code type}, {@code mesh}, {@code name}, {@code labels}, spec). Does not validate semantics. */
    public static Resource decode(JsonNode node) {
        return decode(node, ResourceTypes.registry());
    }

    /** As {@link #decode(JsonNode)}, with the type looked up in {@code types}. */
    public static Resource decode(JsonNode node, TypeRegistry types) {
        return decode(node, types::byName);
    }

    /** As {@link #decode(JsonNode)} for a document that must be of {@code expected} type (any other is unknown here). */
    public static Resource decode(JsonNode node, ResourceType expected) {
        return decode(node, name -> Optional.of(expected).filter(t -> t.name().equals(name)));
    }

    private static Resource decode(JsonNode node, Function<String, Optional<ResourceType>> typeNamed) {
        if (!node.isObject()) {
            throw ValidationException.of(TITLE, "", "must be an object with type, name and spec");
        }
        List<Violation> errors = new ArrayList<>();
        String typeName = text(node, "type", errors);
        if (typeName == null) {
            if (errors.isEmpty()) errors.add(new Violation("type", "must be defined"));
            throw new ValidationException(TITLE, errors);
        }
        ResourceType type = typeNamed.apply(typeName).orElseThrow(() ->
                ValidationException.of(TITLE, "type", "unknown type \"" + typeName + "\""));
        String name = text(node, "name", errors);
        String mesh = text(node, "mesh", errors);
        Map<String, String> labels = labels(node.get("labels"), errors);
        if (!type.meshScoped() && mesh != null && !mesh.isEmpty()) {
            errors.add(new Violation("mesh", "must not be set for " + type.name() + ", which does not belong to a mesh"));
        }

        JsonNode specNode;
        FieldPath specPath;
        if (type.layout() == Layout.NESTED) {
            specPath = FieldPath.of("spec");
            specNode = node.get("spec");
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!META_FIELDS.contains(f) && !READ_ONLY_FIELDS.contains(f) && !f.equals("spec")) {
                    errors.add(new Violation(FieldPath.of(f).value(), "unknown field \"" + f + "\""));
                }
            }
            if (specNode == null || specNode.isNull()) {
                errors.add(new Violation("spec", "must be defined"));
            }
        } else {
            specPath = FieldPath.ROOT;
            ObjectNode inline = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> {
                if (!META_FIELDS.contains(e.getKey()) && !READ_ONLY_FIELDS.contains(e.getKey())) inline.set(e.getKey(), e.getValue());
            });
            specNode = inline;
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(TITLE, errors);
        }
        ResourceSpec spec = decodeSpec(type, specNode, specPath);
        return new Resource(type, Meta.fresh(type.meshScoped() ? mesh : "", name == null ? "" : name, labels), spec);
    }

    /** Binds a spec object of {@code type}; errors name the field under {@code path}. */
    public static ResourceSpec decodeSpec(ResourceType type, JsonNode specNode, FieldPath path) {
        if (!specNode.isObject()) {
            throw ValidationException.of(TITLE, path.value(), "must be an object");
        }
        // Fields kept as raw JSON (Mesh.mtls, Dataplane.probes, ...) are not bound, so the binder cannot see their nulls.
        List<Violation> nullItems = new ArrayList<>();
        findNullItems(specNode, path, nullItems);
        if (!nullItems.isEmpty()) {
            throw new ValidationException(TITLE, nullItems);
        }
        try {
            return Json.JSON.treeToValue(specNode, type.specClass());
        } catch (JsonMappingException e) {
            throw new ValidationException(TITLE, List.of(toViolation(e, path)));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ValidationException.of(TITLE, path.value(), e.getMessage());
        }
    }

    private static void findNullItems(JsonNode node, FieldPath path, List<Violation> out) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isNull()) {
                    out.add(new Violation(path.index(i).value(), "must not be null"));
                } else {
                    findNullItems(node.get(i), path.index(i), out);
                }
            }
        } else if (node.isObject()) {
            node.properties().forEach(e -> findNullItems(e.getValue(), path.field(e.getKey()), out));
        }
    }

    /** The spec as a JSON object (what the Postgres store keeps in its jsonb column). */
    public static ObjectNode specToJson(ResourceSpec spec) {
        return Json.JSON.valueToTree(spec);
    }

    /** The full envelope in Kuma's field order: type, mesh, name, creationTime, modificationTime, labels, then spec. */
    public static ObjectNode encode(Resource r) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("type", r.type().name());
        if (r.type().meshScoped()) out.put("mesh", r.meta().mesh());
        out.put("name", r.meta().name());
        if (r.meta().creationTime() != null) out.put("creationTime", r.meta().creationTime().toString());
        if (r.meta().modificationTime() != null) out.put("modificationTime", r.meta().modificationTime().toString());
        if (r.meta().version() > 0) out.put("version", Long.toString(r.meta().version()));
        ObjectNode labels = out.putObject("labels");
        r.meta().labels().forEach(labels::put);
        ObjectNode spec = specToJson(r.spec());
        if (r.type().layout() == Layout.NESTED) {
            out.set("spec", spec);
        } else {
            spec.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
        }
        return out;
    }

    public static byte[] write(Object value, Format format) {
        try {
            return Json.mapper(format).writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** Maps a Jackson binding error to the user's field path and a message without Java class names. */
    static Violation toViolation(JsonMappingException e, FieldPath base) {
        FieldPath path = base;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null && ref.getFrom() instanceof Map<?, ?>) {
                path = path.key(ref.getFieldName());
            } else if (ref.getFieldName() != null) {
                path = path.field(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path = path.index(ref.getIndex());
            }
        }
        String message;
        if (e instanceof InvalidNullException) {
            message = "must not be null";
        } else if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown field \"" + u.getPropertyName() + "\"";
        } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            message = v.getCause().getMessage();
        } else if (e instanceof InvalidFormatException f) {
            message = "invalid value " + renderValue(f.getValue()) + describeTarget(f.getTargetType());
        } else if (e instanceof MismatchedInputException m) {
            message = "wrong value type" + describeTarget(m.getTargetType());
        } else {
            message = e.getOriginalMessage();
        }
        return new Violation(path.value(), message);
    }

    private static String renderValue(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    private static String describeTarget(Class<?> target) {
        if (target == null) return "";
        if (target.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : target.getEnumConstants()) names.add(c.toString());
            return ": must be one of " + names;
        }
        if (target == String.class) return ": must be a string";
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) return ": must be an integer";
        if (target == Double.class || target == double.class || target == Float.class || target == float.class) return ": must be a number";
        if (target == Boolean.class || target == boolean.class) return ": must be true or false";
        if (List.class.isAssignableFrom(target)) return ": must be a list";
        if (target.getSimpleName().equals("KumaDuration")) return ": must be a duration like \"10s\"";
        if (Map.class.isAssignableFrom(target) || target.isRecord()) return ": must be an object";
        return "";
    }

    private static String text(JsonNode node, String field, List<Violation> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            errors.add(new Violation(field, "must be a string"));
            return null;
        }
        return v.asText();
    }

    private static Map<String, String> labels(JsonNode v, List<Violation> errors) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (v == null || v.isNull()) return labels;
        if (!v.isObject()) {
            errors.add(new Violation("labels", "must be an object of string values"));
            return labels;
        }
        v.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                labels.put(e.getKey(), e.getValue().asText());
            } else {
                errors.add(new Violation(FieldPath.of("labels").key(e.getKey()).value(), "must be a string"));
            }
        });
        return labels;
    }

}
