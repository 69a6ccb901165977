package dev.ursa.zone.xds.auth;

import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TrustedTokens;
import dev.ursa.cp.auth.ZoneToken;
import dev.ursa.zone.ingress.IngressNode;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;

import java.util.Map;
import java.util.Optional;

/**
 * Lets an ingress node ({@code ingress/<name>}) in when it presents, as {@code authorization: Bearer <token>}, a zone
 * token of this zone with scope {@value ZoneToken#INGRESS}: issued by the global (its published
 * {@code zone-tokens} keys) or by this zone CP ({@code POST /tokens/zone}). The first identity to register a name owns
 * it ({@link IngressOwners}): another token cannot take over that ZoneIngress. Runs on gRPC threads; never blocks.
 */
final class IngressAdmission {
    private final String zone;
    private final TrustedTokens tokens;
    private final IngressOwners owners;

    IngressAdmission(String zone, TrustedTokens tokens, IngressOwners owners) {
        this.zone = zone;
        this.tokens = tokens;
        this.owners = owners;
    }

    Admission admit(Node node, XdsStream stream, long streamId) throws RequestException {
        Optional<String> token = stream.bearerToken();
        if (token.isEmpty()) {
            throw Credentials.refuse(Status.Code.UNAUTHENTICATED, "no zone token: an ingress sends \"authorization: Bearer <zone token with scope"
                    + " ingress>\" (ursa.ingress.token-file; mint it with POST /tokens/zone {\"zone\":\"" + zone + "\",\"scope\":[\"ingress\"]})");
        }
        String name;
        try {
            name = IngressNode.parse(node).name();
        } catch (IllegalArgumentException e) {
            throw Credentials.refuse(Status.Code.INVALID_ARGUMENT, e.getMessage());
        }
        ZoneToken zt;
        try {
            zt = ZoneToken.of(Credentials.verify(tokens, token.get()));
        } catch (InvalidTokenException e) {
            throw Credentials.refuse(Status.Code.UNAUTHENTICATED, e.getMessage());
        }
        String id = zt.id();
        if (!zone.equals(zt.zone())) {
            throw Credentials.refuse(Status.Code.PERMISSION_DENIED, "zone token " + id + " is for zone " + zt.zone() + ", not " + zone);
        }
        if (!zt.allows(ZoneToken.INGRESS)) {
            throw Credentials.refuse(Status.Code.PERMISSION_DENIED, "zone token " + id + " has scope " + zt.scopes().stream().sorted().toList()
                    + ", an ingress needs one with scope [\"ingress\"]");
        }
        Optional<String> other = owners.claim(name, id, streamId);
        if (other.isPresent()) {
            throw Credentials.refuse(Status.Code.PERMISSION_DENIED, "ingress " + zone + "." + name + " is registered by another identity");
        }
        return new Admission(TokenKind.ZONE, token.get(), id, zt.expiresAt(), Map.of(), null, name);
    }
}
