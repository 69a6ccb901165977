package dev.ursa.zone.fakepolicy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/** A policy type that exists only in tests: per-connection buffer limits for outbound traffic ({@code to}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshFakeSpec(TargetRef targetRef, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to) implements TargetRefPolicy {
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

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(Integer bufferBytes) {
    }
}
