package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Kuma 2.14's {@code common_api.Match}: which clients an inbound {@code rules[]} entry applies to, by the client's
 * SPIFFE ID (its certificate's URI SAN) or by the SNI of the TLS connection.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InboundMatch(@JsonProperty("spiffeID") SpiffeId spiffeID, Sni sni) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SpiffeId(SpiffeIdType type, String value) {
    }

    public enum SpiffeIdType {
        Exact,
        Prefix
    }

    /** {@code type} is a string so that Kuma's own messages ("must be set", "unrecognized type") can be given. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sni(String type, String value) {
    }
}
