package dev.ursa.zone.xds.auth;

import dev.ursa.cp.auth.TokenKind;
import dev.ursa.zone.xds.NodeId;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stream let in: who it is and which token vouched for it (kept to re-verify it when keys or revocations change;
 * never logged). Exactly one of {@code dataplane} and {@code ingress} is set.
 *
 * @param tags      the tags the dataplane token allows (empty: any); the Dataplane is re-checked when it changes
 * @param dataplane the node, for a dataplane stream
 * @param ingress   the ingress name, for an ingress stream
 */
record Admission(TokenKind kind, String token, String tokenId, Instant expiry, Map<String, List<String>> tags, NodeId dataplane,
                 String ingress) {
    String describe() {
        return kind.claim() + " token " + tokenId;
    }
}
