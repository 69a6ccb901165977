package dev.ursa.mesh.policy.meshpassthrough;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 MeshPassthrough ({@code pkg/plugins/policies/meshpassthrough/api/v1alpha1}): which destinations outside the
 * mesh the selected proxies may reach through the transparent proxy's passthrough: all, only the matched ones, or none.
 * Match type and protocol are kept as text so that a wrong value is reported by the validator in Kuma's words.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshPassthroughSpec(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements TargetRefPolicy {

    /**
     * @param passthroughMode {@code All} (the default when there is no match), {@code Matched} or {@code None}
     * @param appendMatch     destinations allowed in {@code Matched} mode; appended across policies
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(PassthroughMode passthroughMode, List<Match> appendMatch) {
    }

    public enum PassthroughMode {
        All,
        Matched,
        None
    }

    /**
     * @param type     {@code Domain}, {@code IP} or {@code CIDR}
     * @param port     absent: every port
     * @param protocol {@code tcp}, {@code tls}, {@code grpc}, {@code http}, {@code http2} or {@code mysql}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(String type, String value, Long port, String protocol) {
    }
}
