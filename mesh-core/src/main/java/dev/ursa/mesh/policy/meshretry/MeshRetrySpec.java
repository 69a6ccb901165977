package dev.ursa.mesh.policy.meshretry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.HttpHeaderMatch;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;
import java.util.Map;

/** Kuma 2.14 MeshRetry: retry behaviour for outbound TCP, HTTP and gRPC traffic ({@code to} only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshRetrySpec(TargetRef targetRef, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to) implements TargetRefPolicy {

    /** An empty list means the same as an absent one; normalised so a round trip compares equal. */
    public MeshRetrySpec {
        to = to == null || to.isEmpty() ? null : to;
    }

    @Override
    public List<To> to() {
        return to == null ? List.of() : to;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaults;
        }
    }

    /**
     * @param numRetries Kuma's docs ("consumer/producer policies") write {@code numRetries}, {@code backOff} and
     *                   {@code retryOn} straight under {@code default}. Not a Kuma 2.14 field: accepted and kept so
     *                   those documents apply unchanged, reported with a warning, never applied (Ursa retries per
     *                   protocol only, under tcp, http or grpc).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(Tcp tcp, Http http, Grpc grpc, Integer numRetries, BackOff backOff, List<String> retryOn) {
        public Conf(Tcp tcp, Http http, Grpc grpc) {
            this(tcp, http, grpc, null, null, null);
        }

        boolean hasUnscopedFields() {
            return numRetries != null || backOff != null || retryOn != null;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tcp(Integer maxConnectAttempt) {
    }

    /**
     * @param retryOn an open set in Kuma: the named conditions or any HTTP status code ("503"), so kept as text and
     *                checked by the validator
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Http(
            Integer numRetries,
            KumaDuration perTryTimeout,
            BackOff backOff,
            RateLimitedBackOff rateLimitedBackOff,
            List<String> retryOn,
            List<HttpHeaderMatch> retriableResponseHeaders,
            List<HttpHeaderMatch> retriableRequestHeaders,
            List<Predicate> hostSelection,
            Long hostSelectionMaxAttempts) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Grpc(
            Integer numRetries,
            KumaDuration perTryTimeout,
            BackOff backOff,
            RateLimitedBackOff rateLimitedBackOff,
            List<GrpcRetryOn> retryOn) {
    }

    public enum GrpcRetryOn {
        Canceled,
        DeadlineExceeded,
        Internal,
        ResourceExhausted,
        Unavailable
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackOff(KumaDuration baseInterval, KumaDuration maxInterval) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RateLimitedBackOff(List<ResetHeader> resetHeaders, KumaDuration maxInterval) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResetHeader(String name, RateLimitFormat format) {
    }

    public enum RateLimitFormat {
        Seconds,
        UnixTimestamp
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Predicate(PredicateType predicate, Map<String, String> tags, Integer updateFrequency) {
    }

    public enum PredicateType {
        OmitPreviousHosts,
        OmitHostsWithTags,
        OmitPreviousPriorities
    }
}
