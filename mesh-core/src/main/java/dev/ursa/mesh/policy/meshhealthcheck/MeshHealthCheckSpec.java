package dev.ursa.mesh.policy.meshhealthcheck;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 {@code MeshHealthCheck}: active health checks (TCP, HTTP or gRPC) a client proxy runs against the
 * endpoints of its destinations; failing endpoints leave the load-balancing set. Absent fields stay null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshHealthCheckSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to) implements TargetRefPolicy {

    public MeshHealthCheckSpec {
        // Kuma treats a missing and an empty list alike; normalising keeps to() non-null for the matcher.
        to = to == null ? List.of() : List.copyOf(to);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(
            KumaDuration interval,
            KumaDuration timeout,
            Integer unhealthyThreshold,
            Integer healthyThreshold,
            KumaDuration initialJitter,
            KumaDuration intervalJitter,
            Integer intervalJitterPercent,
            /* Percentage (int or decimal string); 0 disables panic mode. */
            KumaDecimal healthyPanicThreshold,
            Boolean failTrafficOnPanic,
            String eventLogPath,
            Boolean alwaysLogHealthCheckFailures,
            KumaDuration noTrafficInterval,
            TcpHealthCheck tcp,
            HttpHealthCheck http,
            GrpcHealthCheck grpc,
            Boolean reuseConnection) {
    }

    /** {@code send} and {@code receive} are Base64 blocks; no receive means "connect only". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TcpHealthCheck(Boolean disabled, String send, List<String> receive) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HttpHealthCheck(Boolean disabled, String path, HeaderModifier requestHeadersToAdd, List<Integer> expectedStatuses) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GrpcHealthCheck(Boolean disabled, String serviceName, String authority) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HeaderModifier(List<HeaderKeyValue> set, List<HeaderKeyValue> add) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HeaderKeyValue(String name, String value) {
    }
}
