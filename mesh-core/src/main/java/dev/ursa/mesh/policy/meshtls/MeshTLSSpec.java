package dev.ursa.mesh.policy.meshtls;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 MeshTLS ({@code pkg/plugins/policies/meshtls/api/v1alpha1}): the TLS of the selected proxies' inbound
 * mTLS, per client group ({@code from[]}, deprecated in Kuma) or for every client ({@code rules[]}): the TLS version
 * range, the cipher suites and the mode ({@code Strict}: mTLS only, {@code Permissive}: plaintext too). Enumerations
 * are kept as text so that a wrong value is reported by the validator in Kuma's words.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshTLSSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<From> from,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rule> rules) implements TargetRefPolicy {

    /** An empty list means the same as an absent one; normalised so a round trip compares equal. */
    public MeshTLSSpec {
        from = from == null || from.isEmpty() ? null : from;
        rules = rules == null || rules.isEmpty() ? null : rules;
    }

    @Override
    public List<From> from() {
        return from == null ? List.of() : from;
    }

    public List<Rule> rulesOrEmpty() {
        return rules == null ? List.of() : rules;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record From(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaults;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(@JsonProperty("default") Conf defaults) {
    }

    /**
     * @param tlsVersion {@code min}/{@code max} of {@code TLSAuto}, {@code TLS10} ... {@code TLS13}
     * @param tlsCiphers Envoy cipher suite names Kuma allows ({@link MeshTLSValidator#CIPHERS})
     * @param mode       {@code Strict} or {@code Permissive}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(Version tlsVersion, List<String> tlsCiphers, String mode) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Version(String min, String max) {
    }
}
