package dev.ursa.mesh.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.ursa.mesh.validation.ValidationException;

import java.io.IOException;

/**
 * Refuses the YAML features a resource document must not use, in the same pass that reads it. Jackson reads an alias
 * as the anchor's <em>name</em> (a string, silently) and ignores tags, so a document using them would be stored as
 * something other than what the user wrote; Kuma's YAML is plain data, so anchors, aliases and explicit tags are refused
 * with the line they are on.
 */
final class YamlFeatures extends JsonParserDelegate {
    private final YAMLParser yaml;

    private YamlFeatures(YAMLParser yaml) {
        super(yaml);
        this.yaml = yaml;
    }

    /** {@code parser} as it is, or refusing anchors, aliases and tags when it reads YAML. */
    static JsonParser plainData(JsonParser parser) {
        return parser instanceof YAMLParser y ? new YamlFeatures(y) : parser;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken t = yaml.nextToken();
        if (t == null) return null;
        if (yaml.isCurrentAlias()) {
            refuse("YAML aliases are not supported (*" + yaml.getText() + " " + at() + "); write the value out in full");
        }
        String anchor = yaml.getCurrentAnchor();
        if (anchor != null) {
            refuse("YAML anchors are not supported (&" + anchor + " " + at() + "); write the value out in full");
        }
        String tag = yaml.getTypeId();
        if (tag != null) {
            refuse("YAML tags are not supported (" + (tag.startsWith("!") || tag.contains(":") ? tag : "!" + tag) + " " + at() + ")");
        }
        return t;
    }

    private String at() {
        JsonLocation l = yaml.currentTokenLocation();
        return "at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static void refuse(String problem) {
        throw ValidationException.of("Could not parse the YAML body", "", problem);
    }
}
