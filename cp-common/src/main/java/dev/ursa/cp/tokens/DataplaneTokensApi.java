package dev.ursa.cp.tokens;

import dev.ursa.cp.api.Formats;
import dev.ursa.cp.api.auth.CurrentCaller;
import dev.ursa.cp.api.auth.RevocationRequest;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;

import java.util.Map;

/**
 * Dataplane tokens, on the global and on every zone CP (admin only, like every {@code /tokens} path):
 * <ul>
 *   <li>{@code POST /tokens/dataplane} with Kuma's body ({@link DataplaneTokenRequest}) returns the JWT as text, signed
 *   by this control plane's dataplane key ring. A zone accepts tokens its own ring signed and tokens the global signed
 *   (published to zones as the {@code TokenTrust} {@code dataplane-tokens}).</li>
 *   <li>{@code POST /tokens/dataplane/revocations {"id":"<jti>"}} (or {@code {"token":"<jwt>"}}): refused from then on,
 *   and the xDS streams it opened are closed. A zone's revocation applies to tokens of either issuer at that zone; the
 *   global's reaches every zone.</li>
 *   <li>{@code POST /tokens/dataplane/signing-keys/_rotate}: a new key signs from now on ({@code {"kid":"..."}}); tokens
 *   of the old keys stay valid until they expire.</li>
 * </ul>
 * Tokens never appear in logs or error bodies: only their id. Blocking methods (store reads): they run on a worker.
 */
@Path("/tokens/dataplane")
public class DataplaneTokensApi {
    private static final Logger LOG = Logger.getLogger(DataplaneTokensApi.class);

    private final TokenKeys keys;
    private final CurrentCaller caller;

    public DataplaneTokensApi(TokenKeys keys, CurrentCaller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    @POST
    public Response issue(byte[] body, @Context HttpHeaders headers) {
        DataplaneTokenRequest request = DataplaneTokenRequest.parse(ResourceCodec.parse(body, Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE))));
        JwtClaims claims = DataplaneToken.claims(request, keys.clock().instant());
        String token = keys.ring(TokenKind.DATAPLANE).sign(claims);
        LOG.infof("minted dataplane token %s for mesh %s%s%s (expires %s) at the request of %s", PublicKeys.id(claims), request.mesh(),
                request.name().map(n -> ", name " + n).orElse(""), request.tags().isEmpty() ? "" : ", tags " + request.tags(),
                PublicKeys.expiry(claims), caller.get().describe());
        return Response.ok(token, MediaType.TEXT_PLAIN).build();
    }

    @POST
    @Path("revocations")
    public Response revoke(byte[] body, @Context HttpHeaders headers) {
        RevocationRequest request = RevocationRequest.of(ResourceCodec.parse(body, Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE))));
        String id = request.revokeIn(keys, TokenKind.DATAPLANE);
        LOG.infof("dataplane token %s revoked at the request of %s", id, caller.get().describe());
        return Response.noContent().build();
    }

    @POST
    @Path("signing-keys/_rotate")
    public Response rotate(@Context HttpHeaders headers) {
        String kid = keys.ring(TokenKind.DATAPLANE).rotate().current().kid();
        LOG.infof("dataplane token signing key rotated (new key %s) at the request of %s", kid, caller.get().describe());
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.ok(ResourceCodec.write(Map.of("kid", kid), out), Formats.mediaType(out)).build();
    }
}
