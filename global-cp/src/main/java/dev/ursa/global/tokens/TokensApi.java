package dev.ursa.global.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.Formats;
import dev.ursa.cp.api.auth.CurrentCaller;
import dev.ursa.cp.api.auth.RevocationRequest;
import dev.ursa.cp.api.auth.ValidFor;
import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.ZoneNames;
import dev.ursa.cp.auth.ZoneToken;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.validation.ValidationException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Zone tokens, Kuma's API (admin only): {@code POST /tokens/zone {"zone":"zone-1","scope":["cp"],"validFor":"8760h"}}
 * returns the JWT as text ({@code scope} defaults to {@code ["cp"]}, a zone CP's KDS stream; {@code ["ingress"]} is for
 * ingress gateways). {@code POST /tokens/zone/revocations {"id":"<jti>"}} (or {@code {"token":"<jwt>"}}) revokes one:
 * the streams it opened close and it is refused from then on. {@code POST /tokens/zone/signing-keys/_rotate} makes a new
 * key sign; tokens of the older keys verify until they expire. Runs on worker threads (the token service blocks on the
 * store).
 */
@Path("/tokens/zone")
public class TokensApi {
    private static final Logger LOG = Logger.getLogger(TokensApi.class);
    private static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    private static final String INVALID_REQUEST = "Invalid zone token request";
    private static final String INVALID_REVOCATION = "Invalid revocation";

    private final ZoneTokenService tokens;
    private final CurrentCaller caller;

    public TokensApi(ZoneTokenService tokens, CurrentCaller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    /** Kuma's body ({@code zone}, {@code scope}, {@code validFor}), read by Ursa's strict parser: wrong value types are refused. */
    private record ZoneTokenRequest(String zone, JsonNode scope, String validFor) {
        static ZoneTokenRequest of(JsonNode body) {
            if (!body.isObject()) throw ValidationException.of(INVALID_REQUEST, "", "must be an object with zone, scope and validFor");
            JsonNode zone = body.path("zone");
            if (!zone.isTextual() || !ZoneNames.valid(zone.asText())) throw ValidationException.of(INVALID_REQUEST, "zone", ZoneNames.rule());
            JsonNode validFor = body.path(ValidFor.FIELD);
            if (!validFor.isMissingNode() && !validFor.isNull() && !validFor.isTextual()) {
                throw ValidationException.of(INVALID_REQUEST, ValidFor.FIELD, "must be a duration like \"8760h\"");
            }
            return new ZoneTokenRequest(zone.asText(), body.get("scope"), validFor.isTextual() ? validFor.asText() : null);
        }
    }

    @POST
    @Produces(MediaType.TEXT_PLAIN)
    public Response issue(byte[] body, @Context HttpHeaders headers) {
        ZoneTokenRequest request = ZoneTokenRequest.of(parse(body, headers));
        List<String> scopes = scopes(request.scope());
        Duration validity = ValidFor.parse(request.validFor(), DEFAULT_VALIDITY, INVALID_REQUEST);
        ZoneTokenService.Minted minted = tokens.issue(request.zone(), scopes, validity);
        LOG.infof("minted zone token %s for zone %s (scope %s, expires %s) at the request of %s",
                minted.id(), request.zone(), scopes, minted.expiry(), caller.get().describe());
        return Response.ok(minted.token(), MediaType.TEXT_PLAIN).build();
    }

    private static List<String> scopes(JsonNode scope) {
        if (scope == null || scope.isNull()) return ZoneToken.DEFAULT_SCOPE;
        String rule = "an array of " + ZoneToken.CP + " and/or " + ZoneToken.INGRESS;
        if (!scope.isArray() || scope.isEmpty()) throw ValidationException.of(INVALID_REQUEST, "scope", "must be " + rule);
        List<String> scopes = new ArrayList<>();
        for (JsonNode s : scope) {
            if (!s.isTextual()) throw ValidationException.of(INVALID_REQUEST, "scope", "must be " + rule);
            scopes.add(s.asText());
        }
        List<String> unknown = ZoneToken.unknownScopes(scopes);
        if (!unknown.isEmpty()) throw ValidationException.of(INVALID_REQUEST, "scope", "unknown scope " + unknown + ": must be " + rule);
        return scopes;
    }

    @POST
    @Path("revocations")
    public Response revoke(byte[] body, @Context HttpHeaders headers) {
        RevocationRequest request = RevocationRequest.of(parse(body, headers));
        if (request.id().isPresent()) {
            // The token itself is unknown here: its id is kept as long as any zone token can live.
            String id = request.id().get().toLowerCase();
            tokens.revoke(id, tokens.clock().instant().plus(TokenKeys.MAX_VALIDITY));
            LOG.infof("zone token %s revoked at the request of %s", id, caller.get().describe());
            return Response.noContent().build();
        }
        ZoneToken token;
        try {
            token = tokens.verify(request.token().orElseThrow());
        } catch (InvalidTokenException e) {
            throw ValidationException.of(INVALID_REVOCATION, "token", e.getMessage());
        }
        tokens.revoke(token.id(), token.expiresAt());
        LOG.infof("zone token %s of zone %s revoked at the request of %s", token.id(), token.zone(), caller.get().describe());
        return Response.noContent().build();
    }

    /** JSON, or YAML when sent as such, as every body of the admin API. */
    private static JsonNode parse(byte[] body, HttpHeaders headers) {
        return ResourceCodec.parse(body, Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE)));
    }

    @POST
    @Path("signing-keys/_rotate")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> rotate() {
        String kid = tokens.rotate();
        LOG.infof("zone token signing key rotated (new key %s) at the request of %s", kid, caller.get().describe());
        return Map.of("kid", kid);
    }
}
