package dev.ursa.cp.api;

import dev.ursa.mesh.codec.Format;

/** Content negotiation: YAML when asked for (Content-Type / Accept), JSON otherwise. */
final class Formats {
    static final String YAML_TYPE = "application/yaml";
    static final String JSON_TYPE = "application/json";

    private Formats() {
    }

    static Format ofContentType(String contentType) {
        return isYaml(contentType) ? Format.YAML : Format.JSON;
    }

    static Format ofAccept(String accept) {
        return isYaml(accept) ? Format.YAML : Format.JSON;
    }

    static String mediaType(Format f) {
        return f == Format.YAML ? YAML_TYPE : JSON_TYPE;
    }

    private static boolean isYaml(String header) {
        return header != null && header.toLowerCase(java.util.Locale.ROOT).contains("yaml");
    }
}
