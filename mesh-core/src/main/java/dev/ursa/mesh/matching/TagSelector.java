package dev.ursa.mesh.matching;

import java.util.Map;

/** Kuma's tag selector: every selector tag must be present with the same value, or with any value for "*". */
public final class TagSelector {
    private TagSelector() {
    }

    public static boolean matches(Map<String, String> selector, Map<String, String> tags) {
        for (var e : selector.entrySet()) {
            String actual = tags.get(e.getKey());
            if (actual == null) return false;
            if (!e.getValue().equals("*") && !e.getValue().equals(actual)) return false;
        }
        return true;
    }
}
