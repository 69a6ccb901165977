package dev.ursa.zone.xds.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.policy.common.KumaDuration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.ursa.zone.xds.fuzz.Nodes.F;

/**
 * Makes a valid document hostile, a few edits at a time, so that most documents stay close to valid (and a good share
 * stays accepted). Each edit picks one place of the tree and does something a user or a client bug could do there:
 * a near-miss string, a value at or past a bound, null, a wrong JSON type, an unknown or misplaced field, a dropped,
 * duplicated or null list item, an empty list or object, another targetRef kind, a renamed map key, deep nesting.
 */
public final class DocumentMutator {
    static final List<String> KINDS = List.of("Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshExternalService",
            "MeshMultiZoneService", "MeshServiceSubset", "Dataplane", "MeshHTTPRoute", "mesh", "MeshTrafficPermission", "", "Bogus");
    /** Field names of Kuma's resources, to put in the wrong place. */
    static final List<String> FIELDS = List.of("kind", "name", "tags", "labels", "port", "default", "to", "from", "rules", "targetRef",
            "matches", "weight", "type", "zones", "sectionName", "namespace", "mesh", "proxyTypes", "http", "tcp", "grpc", "value",
            "backendRefs", "filters", "inbound", "outbound", "address", "_port", "numRetries", "percentage");

    private DocumentMutator() {
    }

    /** One place in the tree: the value under {@code field} of an object, or at {@code index} of an array. */
    record Slot(ContainerNode<?> parent, String field, int index, JsonNode value) {
        void set(JsonNode v) {
            if (parent instanceof ObjectNode o) o.set(field, v); else ((ArrayNode) parent).set(index, v);
        }

        void remove() {
            if (parent instanceof ObjectNode o) o.remove(field); else ((ArrayNode) parent).remove(index);
        }
    }

    /** Applies 0 to a few edits: none for about a third of the documents, so valid shapes stay well represented. */
    public static void mutate(ObjectNode doc, Rand r) {
        int edits = r.chance(0.35) ? 0 : r.chance(0.55) ? 1 : r.between(2, 6);
        for (int i = 0; i < edits; i++) edit(doc, r);
    }

    static void edit(ObjectNode doc, Rand r) {
        List<Slot> slots = new ArrayList<>();
        collect(doc, slots);
        // The type decides the whole document's fate: rarely worth spending an edit on.
        slots.removeIf(s -> s.parent() == doc && "type".equals(s.field()) && !r.chance(0.1));
        if (slots.isEmpty()) return;
        Slot s = r.pick(slots);
        JsonNode v = s.value();
        int dice = r.below(100);
        if (dice < 6) {
            s.set(F.nullNode());
        } else if (dice < 12) {
            s.remove();
        } else if (dice < 18) {
            s.set(HostileValues.wrongType(r, v));
        } else if (dice < 20) {
            s.set(HostileValues.deep(r, r.pick(3, 20, 70)));
        } else if (v.isTextual()) {
            s.set(F.textNode(text(r, v.textValue())));
        } else if (v.isNumber()) {
            s.set(r.chance(0.85) ? HostileValues.number(r) : F.textNode(v.asText()));
        } else if (v.isBoolean()) {
            s.set(r.chance(0.6) ? F.booleanNode(!v.booleanValue()) : r.chance(0.5) ? F.textNode(v.asText()) : F.numberNode(1));
        } else if (v.isArray()) {
            array(r, (ArrayNode) v, doc);
        } else if (v.isObject()) {
            object(r, (ObjectNode) v, doc);
        }
    }

    static void collect(JsonNode node, List<Slot> out) {
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                out.add(new Slot(o, e.getKey(), -1, e.getValue()));
                collect(e.getValue(), out);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i, a.get(i)));
                collect(a.get(i), out);
            }
        }
    }

    /** Near misses for strings that look like durations, numbers or names; otherwise a hostile string. */
    static String text(Rand r, String current) {
        boolean duration;
        try {
            KumaDuration.parse(current);
            duration = true;
        } catch (IllegalArgumentException e) {
            duration = false;
        }
        if (duration && r.chance(0.7)) return HostileValues.duration(r);
        return switch (r.below(8)) {
            case 0 -> current.toUpperCase();
            case 1 -> current + r.pick(" ", ".", "-", "/", "*", "\u200B", "\u00E9", "\uD83D\uDC3B", "\t", "0");
            case 2 -> r.pick(" ", "\u202E", "-", "0") + current;
            case 3 -> current.isEmpty() ? "" : current.substring(0, current.length() - 1);
            case 4 -> current.repeat(r.pick(2, 50));
            default -> HostileValues.string(r);
        };
    }

    static void array(Rand r, ArrayNode a, ObjectNode doc) {
        switch (r.below(9)) {
            case 0 -> {
                if (!a.isEmpty()) a.remove(r.below(a.size()));
            }
            case 1 -> {
                if (!a.isEmpty()) a.add(a.get(r.below(a.size())).deepCopy());
            }
            case 2 -> a.insert(a.isEmpty() ? 0 : r.below(a.size() + 1), F.nullNode());
            case 3 -> a.removeAll();
            case 4 -> a.add(r.chance(0.5) ? F.textNode(HostileValues.string(r)) : HostileValues.number(r));
            case 5 -> {
                if (!a.isEmpty()) {
                    JsonNode copy = a.get(r.below(a.size())).deepCopy();
                    if (copy instanceof ObjectNode o) {
                        edit(o, r);
                    }
                    a.add(copy);
                }
            }
            case 6 -> a.add(F.objectNode());
            case 7 -> a.add(transplant(r, doc));
            default -> {
                int n = r.pick(20, 200); // many items
                for (int i = 0; i < n; i++) a.add(a.isEmpty() ? F.textNode("x") : a.get(i % a.size()).deepCopy());
            }
        }
    }

    static void object(Rand r, ObjectNode o, ObjectNode doc) {
        int dice = r.below(8);
        if (o.has("kind") && dice < 3) {
            o.put("kind", r.pick(KINDS));
            return;
        }
        switch (dice) {
            case 0, 1 -> o.set(r.chance(0.5) ? r.pick(FIELDS) : r.pick("unknownField", "Kind", "spec", "default ", "targetref"),
                    r.chance(0.5) ? transplant(r, doc) : F.textNode(HostileValues.string(r)));
            case 2 -> {
                if (!o.isEmpty()) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    o.remove(r.pick(names));
                }
            }
            case 3 -> o.removeAll();
            case 4 -> {
                // rename a key (tags and labels are maps: their keys are user data too)
                if (!o.isEmpty()) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    String old = r.pick(names);
                    JsonNode v = o.remove(old);
                    o.set(text(r, old), v);
                }
            }
            case 5 -> o.set(r.pick(FIELDS), F.nullNode());
            default -> {
                List<Slot> inner = new ArrayList<>();
                collect(o, inner);
                if (!inner.isEmpty()) inner.get(r.below(inner.size())).set(transplant(r, doc));
            }
        }
    }

    /** A copy of some other part of the document: a structurally plausible value in the wrong place. */
    static JsonNode transplant(Rand r, ObjectNode doc) {
        List<Slot> slots = new ArrayList<>();
        collect(doc, slots);
        return slots.isEmpty() ? F.textNode("x") : r.pick(slots).value().deepCopy();
    }
}
