package dev.ursa.mesh.policy.meshratelimit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.InboundMatch;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 {@code MeshRateLimit}: local (per proxy instance) rate limits on the inbounds of the selected proxies, HTTP
 * requests per interval and TCP connections per interval, for every client ({@code from} items, only {@code kind: Mesh}),
 * per client identity ({@code rules} with matches), or on gateways ({@code to}). Absent fields stay null so a round trip
 * writes back only what the user wrote.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshRateLimitSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<From> from,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rule> rules) implements TargetRefPolicy {

    public MeshRateLimitSpec {
        // Kuma treats a missing and an empty list alike; normalising keeps the lists non-null for the matcher.
        from = from == null ? List.of() : List.copyOf(from);
        to = to == null ? List.of() : List.copyOf(to);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record From(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    /** An inbound rule: its limits apply to clients matching any of {@code matches} (every client without matches). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(@JsonInclude(JsonInclude.Include.NON_EMPTY) List<Match> matches, @JsonProperty("default") Conf defaultConf) {
        public List<Match> matchesOrEmpty() {
            return matches == null ? List.of() : matches;
        }
    }

    /**
     * Kuma's {@code common_api.Match}. The SPIFFE ID match type is free text here (not {@link InboundMatch}'s enum):
     * MeshRateLimit's validator gives Kuma's own messages for a missing or unknown type.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(@JsonProperty("spiffeID") SpiffeIdMatch spiffeID, InboundMatch.Sni sni) {
        /** The same match in the shared form, for the checks every inbound match gets (the type is checked apart). */
        public InboundMatch common() {
            return new InboundMatch(spiffeID == null ? null : new InboundMatch.SpiffeId(null, spiffeID.value()), sni);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SpiffeIdMatch(String type, String value) {
        public boolean prefix() {
            return "Prefix".equals(type);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(Local local) {
    }

    /** Local (per instance) limits: HTTP requests on HTTP inbounds, TCP connections on every inbound. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Local(LocalHttp http, LocalTcp tcp) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LocalHttp(Boolean disabled, Rate requestRate, OnRateLimit onRateLimit) {
    }

    /** {@code status}: what a rate-limited request is answered with (absent: Envoy's 429). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OnRateLimit(Long status, HeaderModifier headers) {
    }

    /** Response headers of a rate-limited request: {@code set} overwrites, {@code add} appends. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HeaderModifier(List<HeaderKeyValue> set, List<HeaderKeyValue> add) {
        public List<HeaderKeyValue> setOrEmpty() {
            return set == null ? List.of() : set;
        }

        public List<HeaderKeyValue> addOrEmpty() {
            return add == null ? List.of() : add;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HeaderKeyValue(String name, String value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LocalTcp(Boolean disabled, Rate connectionRate) {
    }

    /** A token bucket: {@code num} tokens (requests or connections), refilled in full every {@code interval}. Kuma: uint32. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rate(Long num, KumaDuration interval) {
    }
}
