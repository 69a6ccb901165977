package dev.ursa.global.tokens;

import dev.ursa.cp.api.auth.ValidFor;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.sync.tokens.InvalidZoneTokenException;
import dev.ursa.sync.tokens.ZoneNames;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;

/**
 * {@code POST /tokens/zone {"zone":"zone-1","validFor":"8760h"}} returns a zone token (the JWT as text, as Kuma does).
 * {@code POST /tokens/zone/revocations {"id":"<jti>"}} (or {@code {"token":"<jwt>"}}) revokes one: the zone's streams
 * using it are closed and it is refused from then on.
 */
@Path("/tokens/zone")
public class TokensApi {
    private static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

    private final ZoneTokenService tokens;

    public TokensApi(ZoneTokenService tokens) {
        this.tokens = tokens;
    }

    public record ZoneTokenRequest(String zone, String validFor) {
    }

    public record RevocationRequest(String id, String token) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.TEXT_PLAIN)
    public Response issue(ZoneTokenRequest request) {
        if (request == null || request.zone() == null || !ZoneNames.valid(request.zone())) {
            throw ValidationException.of("Invalid zone token request", "zone", ZoneNames.rule());
        }
        Duration validity = ValidFor.parse(request.validFor(), DEFAULT_VALIDITY, "Invalid zone token request");
        return Response.ok(tokens.issue(request.zone(), validity), MediaType.TEXT_PLAIN).build();
    }

    @POST
    @Path("revocations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response revoke(RevocationRequest request) {
        String id = request == null ? null : request.id();
        if ((id == null || id.isBlank()) && request != null && request.token() != null) {
            try {
                id = tokens.verify(request.token()).id();
            } catch (InvalidZoneTokenException e) {
                throw ValidationException.of("Invalid revocation", "token", e.getMessage());
            }
        }
        if (id == null || id.isBlank()) {
            throw ValidationException.of("Invalid revocation", "id", "give the token id (jti) or the token");
        }
        tokens.revoke(id);
        return Response.noContent().build();
    }
}
