package dev.ursa.it.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Parses rendered Kubernetes YAML into Fabric8's typed model as strictly as the API server decodes it
 * (kubectl's {@code --validate=strict}): an unknown field, a string where an integer or boolean belongs, or an
 * unsupported apiVersion/kind is an error naming the document and the field path.
 *
 * <p>Fabric8's model classes collect unknown fields in an {@code additionalProperties} map (a Jackson any-setter),
 * so they would accept {@code contaners:} silently. The mapper here ignores any-setters, which makes Jackson's
 * {@code FAIL_ON_UNKNOWN_PROPERTIES} apply, and turns off scalar coercion ({@code "5681"} is not an int to the API
 * server either). Kinds are mapped explicitly instead of through Fabric8's KubernetesDeserializer so that a kind
 * we did not expect is an error, not a generic resource.
 */
final class StrictManifestParser {
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class));

    private final YAMLMapper mapper = strictMapper();

    /** Every document of {@code yaml} (from {@code source}, for messages), typed; the first invalid one throws. */
    List<HasMetadata> parse(String source, String yaml) {
        List<HasMetadata> result = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = mapper.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                index++;
                if (document == null || document.isNull() || document.isMissingNode()) continue;
                result.add(parseDocument(source, index, document));
            }
        } catch (IOException e) {
            throw new InvalidManifestException(source + ": not YAML: " + e.getMessage());
        }
        return result;
    }

    private HasMetadata parseDocument(String source, int index, JsonNode document) {
        String apiVersion = document.path("apiVersion").asText("");
        String kind = document.path("kind").asText("");
        String name = document.path("metadata").path("name").asText("?");
        String where = source + " document " + index + " (" + kind + " " + name + ")";
        Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
        if (type == null) {
            throw new InvalidManifestException(where + ": unsupported apiVersion/kind \"" + apiVersion + "/" + kind
                    + "\" (expected one of " + KINDS.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
        }
        try {
            return mapper.treeToValue(document, type);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidManifestException(where + ": " + path(e) + ": unknown field \"" + e.getPropertyName()
                    + "\" (not in " + e.getReferringClass().getSimpleName() + ")");
        } catch (InvalidFormatException e) {
            throw new InvalidManifestException(where + ": " + path(e) + ": " + describe(e.getValue()) + " is not a valid "
                    + e.getTargetType().getSimpleName());
        } catch (MismatchedInputException e) {
            JsonNode value = valueAt(document, e);
            throw new InvalidManifestException(where + ": " + path(e) + ": wrong type: got "
                    + (value.isTextual() ? "string \"" + value.asText() + "\"" : value.getNodeType().name().toLowerCase() + " " + value)
                    + ", expected " + (e.getTargetType() == null ? "another type" : e.getTargetType().getSimpleName()));
        } catch (IOException e) {
            throw new InvalidManifestException(where + ": " + e.getMessage());
        }
    }

    private static String describe(Object value) {
        return value instanceof String s ? "string \"" + s + "\"" : String.valueOf(value);
    }

    private static JsonNode valueAt(JsonNode document, JsonMappingException e) {
        JsonNode node = document;
        for (JsonMappingException.Reference ref : e.getPath()) {
            node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
        }
        return node;
    }

    /** Jackson's reference chain as a field path: {@code spec.template.spec.containers[0].ports[0].containerPort}. */
    static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) out.append('.');
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "(document)" : out.toString();
    }

    private static YAMLMapper strictMapper() {
        YAMLMapper mapper = YAMLMapper.builder()
                .annotationIntrospector(new NoAnySetterIntrospector())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // The API server decodes JSON strictly by Go type: no number <-> string <-> boolean conversions.
        for (LogicalType target : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(target).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    /** Hides Fabric8's {@code @JsonAnySetter additionalProperties}, so unknown fields are errors again. */
    private static final class NoAnySetterIntrospector extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(Annotated a) {
            return Boolean.FALSE;
        }
    }
}
