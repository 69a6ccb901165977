package dev.ursa.cp.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.auth.ValidFor;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated request for a dataplane token, Kuma's body:
 * {@code {"name":"backend-1","mesh":"default","tags":{"kuma.io/service":["backend"]},"type":"dataplane","validFor":"24h"}}.
 * {@code mesh} is required; {@code name} and {@code tags} are optional (a token without them is valid for any
 * dataplane of the mesh, resp. whatever its tags); {@code type} may only be {@code dataplane}, {@code workload} only empty
 * (as kumactl sends it when not binding to a workload). Unknown fields are refused,
 * so a typo ({@code "tag"}) never mints a broader token than meant.
 *
 * @param name empty for a token valid for any dataplane name of the mesh
 * @param tags tag name to the values allowed for it (empty: any tags)
 */
public record DataplaneTokenRequest(String mesh, Optional<String> name, Map<String, List<String>> tags, Duration validFor) {
    /** Without {@code validFor}: a year, as zone tokens (a dataplane whose token expires is disconnected). */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    public static final String TYPE = "dataplane";
    static final String TITLE = "Invalid dataplane token request";
    private static final Set<String> FIELDS = Set.of("name", "mesh", "tags", "type", "workload", "validFor");

    public DataplaneTokenRequest {
        tags = copy(tags);
    }

    /** Reads and checks a request body; every problem is a 400 naming its field. */
    public static DataplaneTokenRequest parse(JsonNode body) {
        Violations out = new Violations();
        if (body == null || !body.isObject()) {
            out.add(FieldPath.of("mesh"), "the body must be a JSON object with at least \"mesh\"");
            out.throwIfAny(TITLE);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) out.add(FieldPath.of(field), "unknown field; expected one of name, mesh, tags, type, workload, validFor");
        }
        String mesh = text(body, "mesh", out);
        if (mesh == null) {
            if (!body.has("mesh") || body.get("mesh").isNull()) out.add(FieldPath.of("mesh"), "must be defined");
        } else {
            ResourceValidation.checkName(mesh, FieldPath.of("mesh"), out);
        }
        String name = text(body, "name", out);
        if (name != null && !name.isEmpty()) ResourceValidation.checkName(name, FieldPath.of("name"), out);
        String type = text(body, "type", out);
        if (type != null && !type.isEmpty() && !type.equals(TYPE)) {
            out.add(FieldPath.of("type"), "must be \"dataplane\" (an ingress gateway presents a zone token with scope \"ingress\")");
        }
        // kumactl 2.14 always sends "workload" (Kuma binds a token to a kuma.io/workload label): empty is no binding, as
        // in Kuma; a binding Ursa cannot check is refused rather than minted as a broader token than meant.
        String workload = text(body, "workload", out);
        if (workload != null && !workload.isEmpty()) {
            out.add(FieldPath.of("workload"), "tokens bound to a workload are not supported; leave it empty and bind by name or tags");
        }
        Map<String, List<String>> tags = tags(body.get("tags"), out);
        Duration validFor = DEFAULT_VALIDITY;
        String validForText = text(body, ValidFor.FIELD, out);
        try {
            validFor = ValidFor.parse(validForText, DEFAULT_VALIDITY, TITLE);
        } catch (ValidationException e) {
            out.addAll(e.violations());
        }
        out.throwIfAny(TITLE);
        return new DataplaneTokenRequest(mesh, name == null || name.isEmpty() ? Optional.empty() : Optional.of(name), tags, validFor);
    }

    private static String text(JsonNode body, String field, Violations out) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            out.add(FieldPath.of(field), "must be a string");
            return null;
        }
        return v.asText();
    }

    private static Map<String, List<String>> tags(JsonNode node, Violations out) {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        if (node == null || node.isNull()) return tags;
        FieldPath path = FieldPath.of("tags");
        if (!node.isObject()) {
            out.add(path, "must be an object of tag name to allowed values, e.g. {\"kuma.io/service\": [\"backend\"]}");
            return tags;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath tag = path.key(e.getKey());
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                out.add(tag, "must be a non-empty array of allowed values");
                continue;
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                JsonNode v = e.getValue().get(i);
                if (!v.isTextual()) {
                    out.add(tag.index(i), "must be a string");
                    continue;
                }
                Violations one = new Violations();
                Tags.validateTags(Map.of(e.getKey(), v.asText()), path, one);
                if (one.isEmpty()) values.add(v.asText());
                else out.add(tag.index(i), one.list().getFirst().message());
            }
            tags.put(e.getKey(), values);
        }
        return tags;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> tags) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (tags != null) tags.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }
}
