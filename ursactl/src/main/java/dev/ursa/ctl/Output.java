package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Tables, YAML and JSON on stdout. */
final class Output {
    enum Format { table, yaml, json }

    private Output() {
    }

    /** Left-aligned columns, two spaces apart, upper-case header (as kumactl and kubectl print). */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], cell(r, i).length());
        }
        for (List<String> r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                String c = cell(r, i);
                line.append(c);
                if (i < width.length - 1) line.append(" ".repeat(width[i] - c.length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private static String cell(List<String> row, int i) {
        String c = i < row.size() ? row.get(i) : "";
        return c == null || c.isEmpty() ? "-" : c;
    }

    static String yaml(JsonNode node) {
        try {
            return Json.YAML.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(JsonNode node) {
        try {
            return Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Documents separated by {@code ---}: what {@code apply -f} reads back. */
    static void yamlDocuments(PrintWriter out, List<JsonNode> items) {
        boolean first = true;
        for (JsonNode item : items) {
            if (!first) out.println("---");
            out.print(yaml(item));
            first = false;
        }
        out.flush();
    }

    /** {@code 5s}, {@code 3m}, {@code 2h}, {@code 4d} since an ISO-8601 time; "-" when absent. */
    static String age(JsonNode time, Clock clock) {
        if (time == null || !time.isTextual()) return "-";
        try {
            Duration d = Duration.between(Instant.parse(time.asText()), clock.instant());
            if (d.isNegative()) d = Duration.ZERO;
            if (d.toDays() > 0) return d.toDays() + "d";
            if (d.toHours() > 0) return d.toHours() + "h";
            if (d.toMinutes() > 0) return d.toMinutes() + "m";
            return d.toSeconds() + "s";
        } catch (DateTimeParseException e) {
            return "-";
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
    }
}
