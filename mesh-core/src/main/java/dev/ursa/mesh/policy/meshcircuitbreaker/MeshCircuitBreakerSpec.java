package dev.ursa.mesh.policy.meshcircuitbreaker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 {@code MeshCircuitBreaker}: connection limits and outlier detection (passive health checking) for
 * outbound traffic ({@code to}) and inbound traffic ({@code rules}, or the older {@code from}). Absent fields stay null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshCircuitBreakerSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<From> from,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rule> rules) implements TargetRefPolicy {

    public MeshCircuitBreakerSpec {
        // Kuma treats a missing and an empty list alike; normalising keeps the lists non-null for the matcher.
        to = to == null ? List.of() : List.copyOf(to);
        from = from == null ? List.of() : List.copyOf(from);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record From(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    /** An inbound rule; it applies to all inbound traffic of the selected proxies (no matches in Kuma 2.14). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(@JsonProperty("default") Conf defaultConf) {
        public Conf conf() {
            return defaultConf;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(ConnectionLimits connectionLimits, OutlierDetection outlierDetection) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConnectionLimits(
            Integer maxConnections,
            Integer maxConnectionPools,
            Integer maxPendingRequests,
            Integer maxRetries,
            Integer maxRequests) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OutlierDetection(
            Boolean disabled,
            KumaDuration interval,
            KumaDuration baseEjectionTime,
            Integer maxEjectionPercent,
            Boolean splitExternalAndLocalErrors,
            Detectors detectors) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detectors(
            ConsecutiveFailures totalFailures,
            ConsecutiveFailures gatewayFailures,
            ConsecutiveFailures localOriginFailures,
            SuccessRate successRate,
            FailurePercentage failurePercentage) {
    }

    /** Kuma has one type per detector, all with only {@code consecutive}; one record serves the three. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConsecutiveFailures(Integer consecutive) {
    }

    /** {@code standardDeviationFactor} is an int or a decimal string (e.g. "1.9"). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SuccessRate(Integer minimumHosts, Integer requestVolume, KumaDecimal standardDeviationFactor) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FailurePercentage(Integer minimumHosts, Integer requestVolume, Integer threshold) {
    }
}
