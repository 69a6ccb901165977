package dev.ursa.cp.api.auth;

import dev.ursa.cp.api.Formats;
import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.validation.ValidationException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * User tokens of this control plane (global or zone; each mints with its own keys), admin only ({@link AccessRules}):
 * {@code POST /tokens/user} mints one (the JWT as text/plain), {@code POST /tokens/user/revocations} revokes one,
 * {@code POST /tokens/user/signing-keys/_rotate} starts signing with a new key. Blocking methods: they run on a worker.
 */
@Path("/tokens/user")
public class UserTokensApi {
    private static final Logger LOG = Logger.getLogger(UserTokensApi.class);

    private final UserTokens tokens;
    private final CurrentCaller caller;

    public UserTokensApi(UserTokens tokens, CurrentCaller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    @POST
    public Response mint(byte[] body, @Context HttpHeaders headers) {
        UserTokenRequest request = UserTokenRequest.of(ResourceCodec.parse(body, Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE))));
        UserTokens.Minted minted = tokens.mint(request.name(), request.groups(), request.validFor());
        LOG.infof("minted user token %s for \"%s\" (groups %s, expires %s) at the request of %s",
                minted.id(), request.name(), request.groups(), minted.expiry(), caller.get().describe());
        return Response.ok(minted.token(), MediaType.TEXT_PLAIN).build();
    }

    @POST
    @Path("revocations")
    public Response revoke(byte[] body, @Context HttpHeaders headers) {
        RevocationRequest request = RevocationRequest.of(ResourceCodec.parse(body, Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE))));
        String id;
        Optional<Instant> expiry = Optional.empty();
        if (request.id().isPresent()) {
            id = request.id().get();
        } else {
            try {
                JwtClaims claims = tokens.verify(request.token().orElseThrow());
                id = PublicKeys.id(claims);
                expiry = Optional.of(PublicKeys.expiry(claims));
            } catch (InvalidTokenException e) {
                throw ValidationException.of(RevocationRequest.TITLE, "token", e.getMessage());
            }
        }
        tokens.revoke(id, expiry);
        LOG.infof("user token %s revoked at the request of %s", id, caller.get().describe());
        return Response.noContent().build();
    }

    @POST
    @Path("signing-keys/_rotate")
    public Response rotate(@Context HttpHeaders headers) {
        String kid = tokens.rotate();
        LOG.infof("user token signing key rotated (new key %s) at the request of %s", kid, caller.get().describe());
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.ok(ResourceCodec.write(Map.of("kid", kid), out), Formats.mediaType(out)).build();
    }
}
