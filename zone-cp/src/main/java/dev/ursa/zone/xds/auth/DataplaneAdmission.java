package dev.ursa.zone.xds.auth;

import com.google.protobuf.Value;
import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.tokens.DataplaneToken;
import dev.ursa.cp.auth.TrustedTokens;
import dev.ursa.mesh.model.Resource;
import dev.ursa.zone.xds.NodeId;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;

import java.util.Optional;
import java.util.function.Function;

/**
 * Lets a dataplane node in when it presents a dataplane token (gRPC metadata {@code authorization: Bearer <token>},
 * Envoy's way, or node metadata {@value #TOKEN_METADATA_KEY}, for proxyless clients whose bootstrap cannot set
 * headers) that this zone trusts and that allows the node: its node id {@code <mesh>.<name>} is of the token's mesh and,
 * when the token names one, of its dataplane; the Dataplane it will be served as carries only tags the token allows.
 * Stateless; runs on gRPC threads and never blocks (the engine's mirror answers which Dataplane a node has).
 */
final class DataplaneAdmission {
    static final String TOKEN_METADATA_KEY = "dataplane.token";

    private final TrustedTokens tokens;
    private final Function<NodeId, Optional<Resource>> dataplanes;

    DataplaneAdmission(TrustedTokens tokens, Function<NodeId, Optional<Resource>> dataplanes) {
        this.tokens = tokens;
        this.dataplanes = dataplanes;
    }

    Admission admit(Node node, XdsStream stream) throws RequestException {
        String token = token(node, stream);
        NodeId id;
        try {
            id = NodeId.parse(node.getId());
        } catch (IllegalArgumentException e) {
            throw Credentials.refuse(Status.Code.INVALID_ARGUMENT, e.getMessage());
        }
        DataplaneToken dp;
        try {
            dp = DataplaneToken.of(Credentials.verify(tokens, token));
        } catch (InvalidTokenException e) {
            throw Credentials.refuse(Status.Code.UNAUTHENTICATED, e.getMessage());
        }
        String label = "dataplane token " + dp.id();
        if (!dp.mesh().equals(id.mesh())) {
            throw Credentials.refuse(Status.Code.PERMISSION_DENIED, label + " is for mesh \"" + dp.mesh() + "\", not \"" + id.mesh()
                    + "\" (node " + id + ")");
        }
        if (dp.name().isPresent() && !dp.name().get().equals(id.name())) {
            throw Credentials.refuse(Status.Code.PERMISSION_DENIED, label + " is for dataplane \"" + dp.name().get() + "\", not \""
                    + id.name() + "\" (node " + id + ")");
        }
        if (!dp.tags().isEmpty()) {
            Resource served;
            try {
                served = NodeDataplane.of(id, node, dataplanes).orElse(null);
            } catch (IllegalArgumentException e) {
                throw Credentials.refuse(Status.Code.INVALID_ARGUMENT, e.getMessage());
            }
            Optional<String> refusal = TokenTags.refusal(dp.tags(), served);
            if (refusal.isPresent()) throw Credentials.refuse(Status.Code.PERMISSION_DENIED, label + ": " + refusal.get());
        }
        return new Admission(TokenKind.DATAPLANE, token, dp.id(), dp.expiry(), dp.tags(), id, null);
    }

    private static String token(Node node, XdsStream stream) throws RequestException {
        Optional<String> bearer = stream.bearerToken();
        if (bearer.isPresent()) return bearer.get();
        if (stream.hasAuthorization()) {
            throw Credentials.refuse(Status.Code.UNAUTHENTICATED, "the authorization header must be \"Bearer <dataplane token>\"");
        }
        Value v = node.getMetadata().getFieldsOrDefault(TOKEN_METADATA_KEY, null);
        if (v == null) {
            throw Credentials.refuse(Status.Code.UNAUTHENTICATED, "no dataplane token: send it as gRPC metadata \"authorization: Bearer <token>\""
                    + " or as node metadata \"" + TOKEN_METADATA_KEY + "\" (mint one with POST /tokens/dataplane)");
        }
        if (!v.hasStringValue() || v.getStringValue().isBlank()) {
            throw Credentials.refuse(Status.Code.UNAUTHENTICATED, "node metadata \"" + TOKEN_METADATA_KEY + "\" must be the dataplane token as a string");
        }
        return v.getStringValue().trim();
    }
}
