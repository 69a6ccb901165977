package dev.ursa.mesh.policy.meshmetric;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.BackendResourceRef;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 MeshMetric: which Envoy metrics a sidecar exposes (profiles, include/exclude selectors), the applications'
 * own metrics endpoints to merge in, and where metrics go (a Prometheus scrape endpoint or an OpenTelemetry
 * collector). A single-item policy: top-level {@code targetRef} and {@code default}. Names Kuma checks itself (profile
 * names, selector and backend types) are kept as strings so its messages can be given; absent fields stay null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshMetricSpec(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements TargetRefPolicy {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(Sidecar sidecar, List<Application> applications, List<Backend> backends) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sidecar(Profiles profiles, Boolean includeUnused) {
    }

    /** {@code appendProfiles} is appended across merged policies (Kuma's Append* rule). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Profiles(List<Profile> appendProfiles, List<Selector> exclude, List<Selector> include) {
    }

    /** All, Basic or None. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Profile(String name) {
    }

    /** {@code type}: Prefix, Regex, Exact or Contains. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Selector(String type, String match) {
    }

    /** An application's metrics endpoint on the dataplane; {@code path} defaults to /metrics. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Application(String name, String path, String address, Long port) {
    }

    /** {@code type}: Prometheus or OpenTelemetry. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Backend(String type, PrometheusBackend prometheus, OpenTelemetryBackend openTelemetry) {
    }

    /** {@code port} defaults to 5670 and {@code path} to /metrics (Kuma's schema defaults). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PrometheusBackend(String clientId, Long port, String path, PrometheusTls tls) {
    }

    /** {@code mode}: Disabled (default), ProvidedTLS or ActiveMTLSBackend. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PrometheusTls(String mode) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OpenTelemetryBackend(String endpoint, BackendResourceRef backendRef, KumaDuration refreshInterval) {
    }
}
