package dev.ursa.bench;

import java.nio.charset.StandardCharsets;

/**
 * MeshTimeout documents of about 500 bytes, each with its own name and label values, shaped like what kumactl or
 * a GitOps pipeline sends: a handful of ownership labels and a targetRef.
 */
public final class PolicyBodies {
    private final BenchConfig.BodyFormat format;

    public PolicyBodies(BenchConfig.BodyFormat format) {
        this.format = format;
    }

    public String contentType() {
        return format == BenchConfig.BodyFormat.json ? "application/json" : "application/yaml";
    }

    public byte[] meshTimeout(String name, int i) {
        String service = "checkout-api-" + (i % 97);
        String doc = switch (format) {
            case json -> """
                    {"type":"MeshTimeout","mesh":"default","name":"%1$s",\
                    "labels":{"kuma.io/origin":"global","team":"payments-%2$d","env":"production",\
                    "app.kubernetes.io/part-of":"checkout","app.kubernetes.io/managed-by":"ursa-benchmark",\
                    "cost-center":"cc-%3$04d","owner":"platform-networking","change-ticket":"NET-%4$05d",\
                    "revision":"r%5$d","region":"eu-west-1"},\
                    "spec":{"targetRef":{"kind":"MeshSubset","tags":{"kuma.io/service":"%6$s_default_svc_8080",\
                    "version":"v%7$d","kuma.io/zone":"zone-%8$d"}}}}""";
            case yaml -> """
                    type: MeshTimeout
                    mesh: default
                    name: %1$s
                    labels:
                      kuma.io/origin: global
                      team: payments-%2$d
                      env: production
                      app.kubernetes.io/part-of: checkout
                      app.kubernetes.io/managed-by: ursa-benchmark
                      cost-center: cc-%3$04d
                      owner: platform-networking
                      change-ticket: NET-%4$05d
                      revision: r%5$d
                      region: eu-west-1
                    spec:
                      targetRef:
                        kind: MeshSubset
                        tags:
                          kuma.io/service: %6$s_default_svc_8080
                          version: v%7$d
                          kuma.io/zone: zone-%8$d
                    """;
        };
        return doc.formatted(name, i % 13, i % 5000, i, i % 1000, service, i % 3 + 1, i % 4 + 1).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] defaultMesh() {
        return "type: Mesh\nname: default\n".getBytes(StandardCharsets.UTF_8);
    }
}
