package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error body every refusal of the admin API carries, checked field by field: Kuma 2.14's AIP-193 shape
 * (api/openapi/specs/common/error_schema.yaml: {@code status}, {@code title}, {@code type}, {@code detail} required;
 * {@code invalid_parameters} items with {@code field} and {@code reason}) in the field order of Kuma's golden files,
 * with Kuma's older {@code details} and {@code causes} saying the same.
 */
public final class Aip193 {
    /** The keys of Kuma's 400 golden body (pkg/api-server/testdata/resource_mesh-not-found.golden.json), in its order. */
    public static final List<String> KEYS = List.of("type", "status", "title", "detail", "invalid_parameters", "details", "causes");

    private Aip193() {
    }

    /** Checks {@code r} is an error body of {@code status} (JSON or YAML, by its Content-Type) and returns it. */
    public static JsonNode assertErrorBody(Response r, int status) {
        assertThat(r.statusCode()).as("status of %s", r.asString()).isEqualTo(status);
        JsonNode body = parse(r);
        assertErrorBody(body, status);
        return body;
    }

    public static void assertErrorBody(JsonNode body, int status) {
        assertThat(body.isObject()).as("an object: %s", body).isTrue();
        assertThat(names(body)).as("the fields of %s", body).isEqualTo(KEYS);
        assertThat(body.get("type").isTextual()).isTrue();
        assertThat(body.get("type").asText()).isEqualTo("/std-errors");
        assertThat(body.get("status").isInt()).as("status is an integer: %s", body).isTrue();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").isTextual() && !body.get("title").asText().isBlank()).as("title of %s", body).isTrue();
        assertThat(body.get("detail").isTextual() && !body.get("detail").asText().isBlank()).as("detail of %s", body).isTrue();
        assertThat(body.get("details")).isEqualTo(body.get("detail"));
        JsonNode params = body.get("invalid_parameters");
        JsonNode causes = body.get("causes");
        assertThat(params.isArray() && causes.isArray()).as("lists in %s", body).isTrue();
        assertThat(causes.size()).isEqualTo(params.size());
        for (int i = 0; i < params.size(); i++) {
            JsonNode p = params.get(i);
            assertThat(names(p)).as("invalid_parameters[%d] of %s", i, body).containsExactly("field", "reason");
            assertThat(p.get("field").isTextual() && p.get("reason").isTextual()).isTrue();
            assertThat(names(causes.get(i))).containsExactly("field", "message");
            assertThat(causes.get(i).get("field")).isEqualTo(p.get("field"));
            assertThat(causes.get(i).get("message")).isEqualTo(p.get("reason"));
        }
    }

    /** The {@code field} of each {@code invalid_parameters} item. */
    public static List<String> fields(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.get("invalid_parameters").forEach(p -> out.add(p.get("field").asText()));
        return out;
    }

    public static JsonNode parse(Response r) {
        try {
            boolean yaml = r.contentType() != null && r.contentType().contains("yaml");
            return (yaml ? Json.YAML : Json.JSON).readTree(r.asByteArray());
        } catch (Exception e) {
            throw new AssertionError("not an error body (" + r.contentType() + "): " + r.asString(), e);
        }
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
