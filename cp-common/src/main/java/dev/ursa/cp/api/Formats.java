package dev.ursa.cp.api;

import dev.ursa.mesh.codec.Format;

import java.util.Locale;

/** Content negotiation: YAML when asked for (Content-Type / Accept), JSON otherwise. */
public final class Formats {
    static final String YAML_TYPE = "application/yaml";
    static final String JSON_TYPE = "application/json";

    private Formats() {
    }

    public static Format ofContentType(String contentType) {
        return isYaml(contentType) ? Format.YAML : Format.JSON;
    }

    public static Format ofAccept(String accept) {
        return isYaml(accept) ? Format.YAML : Format.JSON;
    }

    public static String mediaType(Format f) {
        return f == Format.YAML ? YAML_TYPE : JSON_TYPE;
    }

    private static boolean isYaml(String header) {
        return header != null && header.toLowerCase(Locale.ROOT).contains("yaml");
    }
}
