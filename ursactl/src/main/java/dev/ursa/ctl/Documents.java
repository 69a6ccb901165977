package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.validation.ValidationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The documents {@code apply -f} reads: a file, every .yaml/.yml/.json file of a directory (sorted), or stdin. */
final class Documents {
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");
    /** kumactl renders {@code {{ key }}} (mustache; dotted keys too) and only when --var is given. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.\\-]+)\\s*}}");

    private Documents() {
    }

    /** One document: where it came from (for messages) and its parsed content. */
    record Document(String source, JsonNode node) {
    }

    /** A document that could not be read, with its causes. */
    record Problem(String source, String message, List<CliException.Cause> causes) {
    }

    record Read(List<Document> documents, List<Problem> problems, int files) {
    }

    static Read read(String file, InputStream stdin, Map<String, String> vars) {
        List<Document> docs = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (file.equals("-")) {
            try {
                split("stdin", new String(stdin.readAllBytes(), StandardCharsets.UTF_8), vars, docs, problems);
            } catch (IOException e) {
                throw CliException.usage("cannot read stdin: " + e.getMessage());
            }
            return new Read(docs, problems, 1);
        }
        Path p = Path.of(file);
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                s.filter(Files::isRegularFile).filter(Documents::applicable).sorted().forEach(files::add);
            } catch (IOException e) {
                throw CliException.usage("cannot list " + p + ": " + e.getMessage());
            }
            if (files.isEmpty()) throw CliException.usage("no .yaml, .yml or .json file in " + p);
        } else if (Files.isRegularFile(p)) {
            files.add(p);
        } else {
            throw CliException.usage(p + ": no such file or directory");
        }
        for (Path f : files) {
            try {
                split(f.toString(), Files.readString(f, StandardCharsets.UTF_8), vars, docs, problems);
            } catch (IOException e) {
                throw CliException.usage("cannot read " + f + ": " + e.getMessage());
            }
        }
        return new Read(docs, problems, files.size());
    }

    private static boolean applicable(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    static void split(String source, String text, Map<String, String> vars, List<Document> docs, List<Problem> problems) {
        String[] parts = SEPARATOR.split(text, -1);
        int index = 0;
        for (String part : parts) {
            index++;
            if (blank(part)) continue;
            String rendered = vars.isEmpty() ? part : render(part, vars);
            String where = parts.length > 1 ? source + " (document " + index + ")" : source;
            try {
                docs.add(new Document(where, ResourceCodec.parse(rendered.getBytes(StandardCharsets.UTF_8), Format.YAML)));
            } catch (ValidationException e) {
                problems.add(new Problem(where, e.violations().isEmpty() ? e.title() : e.violations().get(0).message(),
                        e.violations().stream().skip(1).map(v -> new CliException.Cause(v.field(), v.message())).toList()));
            }
        }
    }

    /** Whitespace and comments only: what a leading or trailing {@code ---} leaves. */
    private static boolean blank(String part) {
        return part.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
    }

    /** As kumactl: each {@code {{ key }}} becomes the --var value; a key without a value becomes empty. */
    static String render(String text, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
