package dev.ursa.zone.xds;

import java.util.regex.Pattern;

/**
 * An xDS node id: {@code <mesh>.<dataplane-name>}. The mesh is everything before the first dot, so dataplane names
 * may contain dots (Kuma's Kubernetes names do) while mesh names may not.
 */
public record NodeId(String mesh, String name) {
    private static final Pattern MESH = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

    /** Parses a node id; the message of the exception says what is wrong and what was expected. */
    public static NodeId parse(String id) {
        String expected = "expected \"<mesh>.<dataplane-name>\", e.g. \"default.backend-1\"";
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("xDS node id is empty; " + expected);
        }
        int dot = id.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("xDS node id \"" + id + "\" has no \".\" between mesh and dataplane name; " + expected);
        }
        String mesh = id.substring(0, dot);
        String name = id.substring(dot + 1);
        if (!MESH.matcher(mesh).matches()) {
            throw new IllegalArgumentException("xDS node id \"" + id + "\": mesh \"" + mesh
                    + "\" must be lower-case letters, digits and '-'; " + expected);
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("xDS node id \"" + id + "\": dataplane name \"" + name
                    + "\" must be letters, digits, '.', '_' and '-'; " + expected);
        }
        return new NodeId(mesh, name);
    }

    @Override
    public String toString() {
        return mesh + "." + name;
    }
}
