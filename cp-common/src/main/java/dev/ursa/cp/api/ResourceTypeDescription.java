package dev.ursa.cp.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.Scope;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One item of {@code GET /_resources}, Kuma 2.14's {@code ResourceTypeDescription} (api/openapi/specs/common/resource.yaml;
 * pkg/api-server/mappers/resource_type_description.go), in its field order.
 *
 * @param readOnly whether this control plane refuses writes of the type (its role rules, or a computed type)
 * @param policy   present for policy types only
 */
@JsonPropertyOrder({"includeInFederation", "name", "path", "pluralDisplayName", "policy", "readOnly", "scope", "shortName", "singularDisplayName"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceTypeDescription(boolean includeInFederation, String name, String path, String pluralDisplayName,
                                      Policy policy, boolean readOnly, String scope, String shortName, String singularDisplayName) {

    /** Kuma's {@code PolicyDescription}: which targetRef sections the policy has. */
    @JsonPropertyOrder({"hasFromTargetRef", "hasRulesTargetRef", "hasToTargetRef", "isFromAsRules", "isTargetRef"})
    public record Policy(boolean hasFromTargetRef, boolean hasRulesTargetRef, boolean hasToTargetRef, boolean isFromAsRules, boolean isTargetRef) {
    }

    /** What Kuma's descriptor of a type says that Ursa's registry does not (short name, display names, federation, targetRef sections). */
    private record Kuma(String name, String shortName, String singular, String plural, boolean includeInFederation, Policy policy) {
    }

    /**
     * Kuma 2.14's values (pkg/api-server/testdata/base_endpoints/_resources.golden.json) for Ursa's core types and every
     * targetRef policy type of Kuma 2.14, implemented by Ursa or not yet: a policy type registered later gets Kuma's
     * description with no change here.
     */
    private static final Map<String, Kuma> KUMA = Stream.of(
            kuma("Dataplane", "dp", "Dataplane", "Dataplanes", false, null),
            kuma("DataplaneInsight", "", "Dataplane Insight", "Dataplane Insights", false, null),
            kuma("Mesh", "m", "Mesh", "Meshes", true, null),
            kuma("MeshAccessLog", "mal", "Mesh Access Log", "Mesh Access Logs", true, policy(true, true, true, true)),
            kuma("MeshCircuitBreaker", "mcb", "Mesh Circuit Breaker", "Mesh Circuit Breakers", true, policy(true, true, true, true)),
            kuma("MeshFaultInjection", "mfi", "Mesh Fault Injection", "Mesh Fault Injections", true, policy(true, true, true, false)),
            kuma("MeshHTTPRoute", "mhttpr", "Mesh HTTP Route", "Mesh HTTP Routes", true, policy(true, false, false, false)),
            kuma("MeshHealthCheck", "mhc", "Mesh Health Check", "Mesh Health Checks", true, policy(true, false, false, false)),
            kuma("MeshLoadBalancingStrategy", "mlbs", "Mesh Load Balancing Strategy", "Mesh Load Balancing Strategies", true, policy(true, false, false, false)),
            kuma("MeshMetric", "mm", "Mesh Metric", "Mesh Metrics", true, policy(false, false, false, false)),
            kuma("MeshPassthrough", "mp", "Mesh Passthrough", "Mesh Passthroughs", true, policy(false, false, false, false)),
            kuma("MeshProxyPatch", "mpp", "Mesh Proxy Patch", "Mesh Proxy Patches", true, policy(false, false, false, false)),
            kuma("MeshRateLimit", "mrl", "Mesh Rate Limit", "Mesh Rate Limits", true, policy(true, true, true, true)),
            kuma("MeshRetry", "mr", "Mesh Retry", "Mesh Retries", true, policy(true, false, false, false)),
            kuma("MeshTCPRoute", "mtcpr", "Mesh TCP Route", "Mesh TCP Routes", true, policy(true, false, false, false)),
            kuma("MeshTLS", "mtls", "Mesh TLS", "Mesh TLSes", true, policy(false, true, true, true)),
            kuma("MeshTimeout", "mt", "Mesh Timeout", "Mesh Timeouts", true, policy(true, true, true, true)),
            kuma("MeshTrace", "mtr", "Mesh Trace", "Mesh Traces", true, policy(false, false, false, false)),
            kuma("MeshTrafficPermission", "mtp", "Mesh Traffic Permission", "Mesh Traffic Permissions", true, policy(false, true, true, false)),
            kuma("Secret", "", "Secret", "Secrets", true, null),
            kuma("Zone", "z", "Zone", "Zones", false, null),
            kuma("ZoneIngress", "zi", "Zone Ingress", "Zone Ingresses", false, null),
            kuma("ZoneInsight", "", "Zone Insight", "Zone Insights", false, null)
    ).collect(Collectors.toUnmodifiableMap(Kuma::name, Function.identity()));

    /**
     * Describes {@code type} as Kuma does; a type Kuma does not have (TokenTrust) gets display names from its name, no
     * short name, federation when the global owns it and users write it, and the targetRef sections its spec declares.
     *
     * @param computed a type no user writes anywhere (insights, TokenTrust)
     */
    public static ResourceTypeDescription of(ResourceType type, boolean readOnly, boolean computed) {
        String scope = type.scope() == Scope.MESH ? "Mesh" : "Global";
        Kuma k = KUMA.get(type.name());
        if (k != null) {
            return new ResourceTypeDescription(k.includeInFederation(), type.name(), type.plural(), k.plural(), k.policy(), readOnly,
                    scope, k.shortName(), k.singular());
        }
        String singular = words(type.name());
        boolean federated = type.owner() == Owner.GLOBAL && !computed;
        return new ResourceTypeDescription(federated, type.name(), type.plural(), pluralOf(singular), type.policy() ? sections(type) : null,
                readOnly, scope, "", singular);
    }

    private static Policy sections(ResourceType type) {
        Set<String> fields = Arrays.stream(type.specClass().getRecordComponents() == null ? new RecordComponent[0] : type.specClass().getRecordComponents())
                .map(RecordComponent::getName).collect(Collectors.toSet());
        return policy(fields.contains("to"), fields.contains("from"), fields.contains("rules"), false);
    }

    /** "MeshHTTPRoute" → "Mesh HTTP Route", "TokenTrust" → "Token Trust". */
    static String words(String name) {
        return name.replaceAll("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ");
    }

    static String pluralOf(String singular) {
        if (singular.matches(".*[^aeiou]y")) return singular.substring(0, singular.length() - 1) + "ies";
        if (singular.matches(".*(s|x|z|ch|sh|S|X|Z|CH|SH)")) return singular + "es";
        return singular + "s";
    }

    private static Kuma kuma(String name, String shortName, String singular, String plural, boolean includeInFederation, Policy policy) {
        return new Kuma(name, shortName, singular, plural, includeInFederation, policy);
    }

    private static Policy policy(boolean to, boolean from, boolean rules, boolean fromAsRules) {
        return new Policy(from, rules, to, fromAsRules, true);
    }
}
