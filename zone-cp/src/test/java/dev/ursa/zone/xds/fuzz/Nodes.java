package dev.ursa.zone.xds.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/** Terse construction of Jackson trees: {@code obj("kind", "Mesh", "tags", obj(...))}; a null value leaves the field out. */
public final class Nodes {
    public static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Nodes() {
    }

    public static ObjectNode obj(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("key without value");
        ObjectNode o = F.objectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object v = keysAndValues[i + 1];
            if (v != null) o.set((String) keysAndValues[i], node(v));
        }
        return o;
    }

    public static ArrayNode arr(Object... items) {
        ArrayNode a = F.arrayNode();
        for (Object item : items) a.add(node(item));
        return a;
    }

    public static ArrayNode arr(Collection<?> items) {
        ArrayNode a = F.arrayNode();
        for (Object item : items) a.add(node(item));
        return a;
    }

    /** Java value to JSON: strings, numbers, booleans, maps, collections and nodes; a Java null becomes JSON null. */
    public static JsonNode node(Object v) {
        return switch (v) {
            case null -> F.nullNode();
            case JsonNode n -> n;
            case String s -> F.textNode(s);
            case Integer i -> F.numberNode(i);
            case Long l -> F.numberNode(l);
            case Double d -> F.numberNode(d);
            case BigDecimal d -> F.numberNode(d);
            case BigInteger b -> F.numberNode(b);
            case Boolean b -> F.booleanNode(b);
            case Map<?, ?> m -> {
                ObjectNode o = F.objectNode();
                m.forEach((k, val) -> o.set(String.valueOf(k), node(val)));
                yield o;
            }
            case Collection<?> c -> arr(c);
            default -> throw new IllegalArgumentException("no JSON for " + v.getClass());
        };
    }
}
