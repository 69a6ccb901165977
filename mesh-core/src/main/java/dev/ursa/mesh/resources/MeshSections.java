package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The sections of a Mesh besides {@code mtls}, typed as Kuma 2.14's {@code mesh.proto} declares them, so wrong types
 * are refused as Kuma refuses them. Unknown fields are ignored, as Kuma's Mesh parsing ignores them
 * ({@code AllowUnknownFields}): a Kuma user's Mesh with a stray field applies unchanged. Ursa acts on none of the backends these declare (logging,
 * tracing, metrics) nor on {@code constraints}, {@code networking} and {@code meshServices}: a Mesh that sets them is
 * accepted with a warning saying so ({@link MeshValidator}). A backend's {@code conf} stays a JSON object here and is
 * checked against its type's config ({@link MeshValidator}), as Kuma parses its {@code Struct}.
 */
public final class MeshSections {
    private MeshSections() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Logging(String defaultBackend, List<LoggingBackend> backends) {
        public List<LoggingBackend> backendsOrEmpty() {
            return backends == null ? List.of() : backends;
        }
    }

    /** @param type {@code file} or {@code tcp} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LoggingBackend(String name, String format, String type, JsonNode conf) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tracing(String defaultBackend, List<TracingBackend> backends) {
        public List<TracingBackend> backendsOrEmpty() {
            return backends == null ? List.of() : backends;
        }
    }

    /** @param type {@code zipkin} or {@code datadog}; @param sampling percent, 0-100 */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TracingBackend(String name, Double sampling, String type, JsonNode conf) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Metrics(String enabledBackend, List<MetricsBackend> backends) {
        public List<MetricsBackend> backendsOrEmpty() {
            return backends == null ? List.of() : backends;
        }
    }

    /** @param type {@code prometheus} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MetricsBackend(String name, String type, JsonNode conf) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Networking(Outbound outbound) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Outbound(Boolean passthrough) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Routing(Boolean localityAwareLoadBalancing, Boolean zoneEgress, Boolean defaultForbidMeshExternalServiceAccess) {
        public boolean zoneEgressOn() {
            return Boolean.TRUE.equals(zoneEgress);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Constraints(DataplaneProxyConstraints dataplaneProxy) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataplaneProxyConstraints(List<TagRule> requirements, List<TagRule> restrictions) {
    }

    /** Tags a data plane proxy must (requirements) or must not (restrictions) have; {@code *} means any value. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TagRule(Map<String, String> tags) {
    }

    /** @param mode {@code Disabled}, {@code Everywhere}, {@code ReachableBackends} or {@code Exclusive} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MeshServices(String mode) {
    }

    // ---- the typed configs of backends' conf (Kuma's *BackendConfig messages)

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileLoggingConfig(String path) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TcpLoggingConfig(String address) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ZipkinConfig(String url, Boolean traceId128bit, String apiVersion, Boolean sharedSpanContext) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DatadogConfig(String address, Long port, Boolean splitService) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PrometheusConfig(Long port, String path, Map<String, String> tags, Boolean skipMTLS,
                                   List<PrometheusAggregate> aggregate, PrometheusEnvoy envoy, PrometheusTls tls) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PrometheusAggregate(String name, Long port, String path, Boolean enabled, String address) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PrometheusEnvoy(String filterRegex, Boolean usedOnly) {
    }

    /** @param mode {@code activeMTLSBackend} (default), {@code providedTLS} or {@code disabled} */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PrometheusTls(String mode) {
    }
}
