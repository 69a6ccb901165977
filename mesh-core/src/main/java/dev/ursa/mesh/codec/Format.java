package dev.ursa.mesh.codec;

/** Wire formats the REST API speaks. */
public enum Format {
    JSON,
    YAML
}
