package dev.ursa.mesh.matching;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Merges {@code default} blocks the way Kuma's {@code rules/merge} package does, on Jackson trees so every policy type
 * merges alike with no per-type code. Confs are given least specific first; each later one is applied as a JSON merge
 * patch (RFC 7386):
 * <ul>
 *   <li>objects merge recursively; scalars and lists replace; an explicit null removes the field;</li>
 *   <li>lists in fields named {@code append<Upper>...} (Kuma's {@code Append*} fields, e.g. MeshMetric's
 *       {@code appendProfiles}) are concatenated across all confs instead of replaced;</li>
 *   <li>a top-level list of {@code {matches, default}} objects (Kuma's {@code policyMerge:"mergeValuesByKey"}, used by
 *       MeshHTTPRoute {@code rules}) is merged by its {@code matches} key: rules with equal matches merge their
 *       {@code default} blocks, and the result lists the most specific conf's rules first, each conf's rules in the
 *       order written (Kuma's reverse-merge-reverse of route rules, where the first matching rule wins).</li>
 * </ul>
 * Not implemented: Kuma's {@code mergeValues} split (MeshHTTPRoute {@code hostnames} yields one conf per hostname in
 * Kuma; here it is an ordinary list and the most specific value replaces the others).
 */
public final class ConfMerger {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfMerger() {
    }

    /** Merges confs given least specific first; null confs are skipped. Returns null when there is nothing to merge. */
    public static ObjectNode mergeJson(List<JsonNode> confs) {
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode c : confs) {
            if (c != null && c.isObject()) objects.add((ObjectNode) c);
        }
        if (objects.isEmpty()) return null;
        ObjectNode acc = NODES.objectNode();
        for (ObjectNode patch : objects) {
            mergeInto(acc, patch);
        }
        for (String field : keyedListFields(objects)) {
            acc.set(field, mergeByKey(objects, field));
        }
        return acc;
    }

    /**
     * Merges typed confs (records bound by Jackson) and binds the result to the class of the most specific conf.
     * A JsonNode conf yields a JsonNode result.
     */
    public static Merged merge(List<?> confs) {
        List<JsonNode> trees = new ArrayList<>();
        Object last = null;
        for (Object c : confs) {
            if (c == null) continue;
            trees.add(c instanceof JsonNode n ? n : Json.JSON.valueToTree(c));
            last = c;
        }
        ObjectNode json = mergeJson(trees);
        if (json == null) return null;
        if (last instanceof JsonNode) return new Merged(json, json);
        try {
            return new Merged(Json.JSON.treeToValue(json, last.getClass()), json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("merged " + last.getClass().getSimpleName() + " does not bind: " + e.getOriginalMessage(), e);
        }
    }

    /** A merge result: the typed conf and its JSON. */
    public record Merged(Object conf, ObjectNode json) {
    }

    private static void mergeInto(ObjectNode acc, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode value = e.getValue();
            JsonNode current = acc.get(field);
            if (value.isNull()) {
                acc.remove(field);
            } else if (isAppendField(field) && value.isArray()) {
                ArrayNode joined = current != null && current.isArray() ? ((ArrayNode) current).deepCopy() : NODES.arrayNode();
                joined.addAll(((ArrayNode) value).deepCopy());
                acc.set(field, joined);
            } else if (value.isObject() && current != null && current.isObject()) {
                mergeInto((ObjectNode) current, (ObjectNode) value);
            } else {
                acc.set(field, withoutNulls(value.deepCopy()));
            }
        }
    }

    /** Kuma appends slices whose Go field name starts with "Append"; in JSON that is {@code appendX}. */
    static boolean isAppendField(String name) {
        return name.length() > 6 && name.startsWith("append") && Character.isUpperCase(name.charAt(6));
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> nulls = new ArrayList<>();
            o.properties().forEach(e -> {
                if (e.getValue().isNull()) nulls.add(e.getKey()); else withoutNulls(e.getValue());
            });
            o.remove(nulls);
        } else if (node instanceof ArrayNode a) {
            a.forEach(ConfMerger::withoutNulls);
        }
        return node;
    }

    /** Top-level fields holding lists of {@code {matches, default}} objects in any conf. */
    private static List<String> keyedListFields(List<ObjectNode> confs) {
        List<String> fields = new ArrayList<>();
        for (ObjectNode c : confs) {
            c.properties().forEach(e -> {
                if (isKeyedList(e.getValue()) && !fields.contains(e.getKey())) fields.add(e.getKey());
            });
        }
        return fields;
    }

    private static boolean isKeyedList(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) return false;
        for (JsonNode el : node) {
            if (!el.isObject() || !el.has("matches") || !el.has("default")) return false;
        }
        return true;
    }

    private static ArrayNode mergeByKey(List<ObjectNode> confs, String field) {
        // Highest priority first: the most specific conf, and within a conf the rule written first.
        List<JsonNode> byPriority = new ArrayList<>();
        for (int i = confs.size() - 1; i >= 0; i--) {
            JsonNode list = confs.get(i).get(field);
            if (list != null && list.isArray()) list.forEach(byPriority::add);
        }
        List<JsonNode> keys = new ArrayList<>();
        List<List<JsonNode>> groups = new ArrayList<>();
        for (JsonNode rule : byPriority) {
            int at = keys.indexOf(rule.get("matches"));
            if (at < 0) {
                keys.add(rule.get("matches"));
                groups.add(new ArrayList<>(List.of(rule)));
            } else {
                groups.get(at).add(rule);
            }
        }
        ArrayNode out = NODES.arrayNode();
        for (int g = 0; g < groups.size(); g++) {
            List<JsonNode> defaults = new ArrayList<>();
            List<JsonNode> group = groups.get(g);
            for (int i = group.size() - 1; i >= 0; i--) defaults.add(group.get(i).get("default")); // least specific first
            ObjectNode merged = mergeJson(defaults);
            ObjectNode rule = NODES.objectNode();
            rule.set("matches", keys.get(g).deepCopy());
            rule.set("default", merged == null ? NODES.objectNode() : merged);
            out.add(rule);
        }
        return out;
    }
}
