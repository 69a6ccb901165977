package dev.ursa.mesh.codec;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Finds the YAML features a resource document must not use. Jackson reads an alias as the anchor's <em>name</em> (a
 * string, silently) and ignores tags, so a document using them would be stored as something other than what the user
 * wrote; Kuma's YAML is plain data, so we refuse anchors, aliases and explicit tags with the line they are on.
 */
final class YamlFeatures {
    private YamlFeatures() {
    }

    /** The first unsupported feature, as a message naming its line and column; empty when the document is plain data. */
    static Optional<String> firstUnsupported(byte[] body, LoaderOptions options) {
        try (var reader = new InputStreamReader(new ByteArrayInputStream(body), UTF_8)) {
            for (Event event : new Yaml(options).parse(reader)) {
                if (event instanceof AliasEvent alias) {
                    return Optional.of("YAML aliases are not supported (*" + alias.getAnchor() + " " + at(event.getStartMark())
                            + "); write the value out in full");
                }
                if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    return Optional.of("YAML anchors are not supported (&" + node.getAnchor() + " " + at(event.getStartMark())
                            + "); write the value out in full");
                }
                String tag = event instanceof ScalarEvent s ? s.getTag()
                        : event instanceof CollectionStartEvent c && !c.getImplicit() ? c.getTag() : null;
                if (tag != null) {
                    return Optional.of("YAML tags are not supported (" + tag + " " + at(event.getStartMark()) + ")");
                }
            }
            return Optional.empty();
        } catch (YAMLException | IOException e) {
            return Optional.empty(); // a syntax error: the real parse reports it with Jackson's message
        }
    }

    private static String at(Mark mark) {
        return mark == null ? "" : "at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
