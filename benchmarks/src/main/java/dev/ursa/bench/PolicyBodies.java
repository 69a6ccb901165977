package dev.ursa.bench;

import java.nio.charset.StandardCharsets;

/**
 * MeshTimeout documents of about 500 bytes, each with its own name and values, shaped like what kumactl or a GitOps
 * pipeline sends: a few ownership labels, a targetRef and one {@code to} entry with connection and HTTP timeouts.
 */
public final class PolicyBodies {
    private final BenchConfig.BodyFormat format;
    private final String mesh;

    public PolicyBodies(BenchConfig.BodyFormat format) {
        this(format, "default");
    }

    public PolicyBodies(BenchConfig.BodyFormat format, String mesh) {
        this.format = format;
        this.mesh = mesh;
    }

    public String mesh() {
        return mesh;
    }

    public String contentType() {
        return format == BenchConfig.BodyFormat.json ? "application/json" : "application/yaml";
    }

    public byte[] meshTimeout(String name, int i) {
        String service = "checkout-api-" + (i % 97);
        String doc = switch (format) {
            case json -> """
                    {"type":"MeshTimeout","mesh":"%7$s","name":"%1$s",\
                    "labels":{"team":"payments-%2$d","env":"production","app.kubernetes.io/part-of":"checkout",\
                    "app.kubernetes.io/managed-by":"ursa-benchmark","change-ticket":"NET-%3$05d"},\
                    "spec":{"targetRef":{"kind":"MeshSubset","tags":{"kuma.io/service":"%4$s_default_svc_8080","version":"v%5$d"}},\
                    "to":[{"targetRef":{"kind":"Mesh"},"default":{"connectionTimeout":"2s","idleTimeout":"%6$ds",\
                    "http":{"requestTimeout":"15s","streamIdleTimeout":"30m","maxStreamDuration":"0s"}}}]}}""";
            case yaml -> """
                    type: MeshTimeout
                    mesh: %7$s
                    name: %1$s
                    labels:
                      team: payments-%2$d
                      env: production
                      app.kubernetes.io/part-of: checkout
                      app.kubernetes.io/managed-by: ursa-benchmark
                      change-ticket: NET-%3$05d
                    spec:
                      targetRef:
                        kind: MeshSubset
                        tags:
                          kuma.io/service: %4$s_default_svc_8080
                          version: v%5$d
                      to:
                        - targetRef:
                            kind: Mesh
                          default:
                            connectionTimeout: 2s
                            idleTimeout: %6$ds
                            http:
                              requestTimeout: 15s
                              streamIdleTimeout: 30m
                              maxStreamDuration: 0s
                    """;
        };
        return doc.formatted(name, i % 13, i, service, i % 3 + 1, 10 + i % 50, mesh).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] defaultMesh() {
        return "type: Mesh\nname: default\n".getBytes(StandardCharsets.UTF_8);
    }

    /** The smallest mesh-wide MeshTimeout in mesh {@code default}, varied by its idle timeout (the KDS runner's resources). */
    public static String meshWideIdleTimeout(String name, String idleTimeout) {
        return """
                type: MeshTimeout
                mesh: default
                name: %s
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: Mesh
                    default:
                      idleTimeout: %s
                """.formatted(name, idleTimeout);
    }

    /**
     * The mesh-wide MeshTimeout the xDS and federation runners change to make every client's route config move:
     * {@code http.requestTimeout} to MeshService {@code backend}, named {@code bench}.
     */
    public static String backendRequestTimeout(String requestTimeout) {
        return requestTimeout("backend", requestTimeout);
    }

    /** As {@link #backendRequestTimeout}, to MeshService {@code service}. */
    public static String requestTimeout(String service, String requestTimeout) {
        return """
                type: MeshTimeout
                mesh: default
                name: bench
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: %s}
                      default:
                        http: {requestTimeout: %s}
                """.formatted(service, requestTimeout);
    }
}
