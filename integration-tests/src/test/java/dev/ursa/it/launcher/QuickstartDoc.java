package dev.ursa.it.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of a markdown document that carry a {@code <!-- quickstart-test: id -->} comment on the line
 * before their opening fence, by id. A marked block that disappears fails the test that asks for it.
 */
record QuickstartDoc(Path file, Map<String, String> blocks) {
    private static final Pattern MARKED_BLOCK = Pattern.compile(
            "<!-- quickstart-test: ([\\w-]+) -->\\n```[\\w-]*\\n(.*?)\\n```", Pattern.DOTALL);

    static QuickstartDoc read(Path file) throws IOException {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = MARKED_BLOCK.matcher(Files.readString(file).replace("\r\n", "\n"));
        while (m.find()) {
            if (blocks.put(m.group(1), m.group(2)) != null) throw new IllegalStateException(file + ": block id " + m.group(1) + " used twice");
        }
        return new QuickstartDoc(file, blocks);
    }

    String block(String id) {
        String b = blocks.get(id);
        if (b == null) throw new AssertionError(file + " has no block marked <!-- quickstart-test: " + id + " --> (found " + blocks.keySet() + ")");
        return b;
    }
}
