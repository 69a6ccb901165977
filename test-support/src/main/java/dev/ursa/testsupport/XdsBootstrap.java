package dev.ursa.testsupport;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The grpc-xds client bootstrap tests use: one ADS server over plaintext, xDS v3, a node id ({@code <mesh>.<name>}) and
 * node metadata (e.g. {@value #DATAPLANE_TOKEN}: a zone admits no xDS client without a token). grpc-xds reads the system property {@value #PROPERTY} once per JVM, before its first {@code xds:}
 * channel; a test needing several bootstraps in one JVM registers a resolver per scheme with {@link #map}.
 */
public final class XdsBootstrap {
    public static final String PROPERTY = "io.grpc.xds.bootstrapConfig";
    /** Node metadata key of a proxyless client's dataplane token (its bootstrap cannot set gRPC headers). */
    public static final String DATAPLANE_TOKEN = "dataplane.token";

    private XdsBootstrap() {
    }

    /** The bootstrap for an ADS server at {@code serverUri} ({@code host:port}), as grpc-xds reads parsed JSON. */
    public static Map<String, ?> map(String serverUri, String nodeId, Map<String, String> metadata) {
        return Map.of(
                "xds_servers", List.of(Map.of(
                        "server_uri", serverUri,
                        "channel_creds", List.of(Map.of("type", "insecure")),
                        "server_features", List.of("xds_v3"))),
                "node", Map.of("id", nodeId, "metadata", Map.copyOf(metadata)));
    }

    /** A bootstrap whose node presents {@code dataplaneToken} (node metadata {@value #DATAPLANE_TOKEN}). */
    public static Map<String, ?> withToken(String serverUri, String nodeId, String dataplaneToken) {
        return map(serverUri, nodeId, Map.of(DATAPLANE_TOKEN, dataplaneToken));
    }

    /** The same bootstrap as JSON text. */
    public static String json(Map<String, ?> bootstrap) {
        StringBuilder out = new StringBuilder();
        write(bootstrap, out);
        return out.toString();
    }

    /** Sets {@value #PROPERTY} for this JVM (read once: only the first call before any {@code xds:} channel counts). */
    public static void install(Map<String, ?> bootstrap) {
        System.setProperty(PROPERTY, json(bootstrap));
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case Map<?, ?> m -> {
                out.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                    out.append(sep);
                    write(e.getKey(), out);
                    out.append(": ");
                    write(e.getValue(), out);
                    sep = ", ";
                }
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) out.append(", ");
                    write(l.get(i), out);
                }
                out.append(']');
            }
            default -> out.append('"').append(value.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
    }
}
