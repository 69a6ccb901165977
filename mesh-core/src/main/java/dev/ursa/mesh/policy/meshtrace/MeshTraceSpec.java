package dev.ursa.mesh.policy.meshtrace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.BackendResourceRef;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 MeshTrace: one tracing backend (Zipkin, Datadog or OpenTelemetry), sampling percentages and custom span
 * tags for the selected proxies' HTTP traffic. A single-item policy: a top-level {@code targetRef} and {@code default}
 * (no to/from); several selecting policies merge, the most specific last.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshTraceSpec(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements TargetRefPolicy {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(List<Backend> backends, Sampling sampling, List<Tag> tags) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Backend(BackendType type, ZipkinBackend zipkin, DatadogBackend datadog, OpenTelemetryBackend openTelemetry) {
        /** As written, or else the one backend object given (see MeshAccessLog's Backend); null when it cannot be told. */
        public BackendType effectiveType() {
            if (type != null) return type;
            int present = (zipkin != null ? 1 : 0) + (datadog != null ? 1 : 0) + (openTelemetry != null ? 1 : 0);
            if (present != 1) return null;
            return zipkin != null ? BackendType.Zipkin : datadog != null ? BackendType.Datadog : BackendType.OpenTelemetry;
        }
    }

    public enum BackendType {
        Zipkin,
        Datadog,
        OpenTelemetry
    }

    /**
     * @param traceId128bit     default false
     * @param apiVersion        httpJson (default) or httpProto
     * @param sharedSpanContext default true (Kuma's schema default)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ZipkinBackend(String url, @JsonProperty("traceId128bit") Boolean traceId128bit, String apiVersion,
                                Boolean sharedSpanContext) {
        public boolean sharedSpanContextOrDefault() {
            return sharedSpanContext == null || sharedSpanContext;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DatadogBackend(String url, Boolean splitService) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OpenTelemetryBackend(String endpoint, BackendResourceRef backendRef) {
    }

    /** Percentages 0..100, written as numbers or decimal strings ({@code 80}, {@code "50.5"}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sampling(KumaDecimal overall, KumaDecimal client, KumaDecimal random) {
    }

    /** A span tag: a literal, or the value of a request header (with a default). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tag(String name, String literal, HeaderTag header) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HeaderTag(String name, @JsonProperty("default") String defaultValue) {
    }
}
