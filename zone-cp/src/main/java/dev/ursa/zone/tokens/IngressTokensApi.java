package dev.ursa.zone.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.Formats;
import dev.ursa.cp.api.auth.CurrentCaller;
import dev.ursa.cp.api.auth.RevocationRequest;
import dev.ursa.cp.api.auth.ValidFor;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.ZoneToken;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violations;
import dev.ursa.zone.ZoneConfig;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ingress tokens issued by a zone CP (admin only), so a standalone zone, which has no global, runs ingress gateways with
 * the same secure default as a federated one (which may use either the global's or its zone CP's tokens):
 * <ul>
 *   <li>{@code POST /tokens/zone {"zone":"<this zone>","scope":["ingress"],"validFor":"8760h"}}: a zone token of this
 *   zone with scope ingress ({@link ZoneToken}), signed by this zone CP's own zone key ring (the JWT as text).
 *   {@code zone} and {@code scope} may be left out: they can only be this zone and {@code ["ingress"]};</li>
 *   <li>{@code POST /tokens/zone/revocations {"id":"<jti>"}} (or {@code {"token":"<jwt>"}}): refused at this zone from
 *   then on (also a token the global issued), its ingress streams closed;</li>
 *   <li>{@code POST /tokens/zone/signing-keys/_rotate}.</li>
 * </ul>
 */
@Path("/tokens/zone")
public class IngressTokensApi {
    private static final Logger LOG = Logger.getLogger(IngressTokensApi.class);
    static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    static final String TITLE = "Invalid zone token request";
    private static final Set<String> FIELDS = Set.of("zone", "scope", ValidFor.FIELD);

    private final TokenKeys keys;
    private final ZoneConfig zone;
    private final CurrentCaller caller;

    public IngressTokensApi(TokenKeys keys, ZoneConfig zone, CurrentCaller caller) {
        this.keys = keys;
        this.zone = zone;
        this.caller = caller;
    }

    @POST
    public Response issue(byte[] body, @Context HttpHeaders headers) {
        Duration validFor = body == null || body.length == 0 ? DEFAULT_VALIDITY
                : validFor(ResourceCodec.parse(body, Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE))));
        JwtClaims claims = ZoneToken.claims(zone.name(), List.of(ZoneToken.INGRESS), keys.clock().instant(), validFor);
        String token = keys.ring(TokenKind.ZONE).sign(claims);
        LOG.infof("minted ingress token %s for zone %s (expires %s) at the request of %s", PublicKeys.id(claims), zone.name(),
                PublicKeys.expiry(claims), caller.get().describe());
        return Response.ok(token, MediaType.TEXT_PLAIN).build();
    }

    /** Checks a request body against what a zone CP may issue; returns its validity. Every problem is a 400 naming its field. */
    private Duration validFor(JsonNode body) {
        if (!body.isObject()) throw ValidationException.of(TITLE, "", "must be an object: {\"scope\":[\"ingress\"],\"validFor\":\"8760h\"}");
        Violations out = new Violations();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) out.add(FieldPath.of(field), "unknown field; expected zone, scope, validFor");
        }
        JsonNode z = body.path("zone");
        if (!z.isMissingNode() && !z.isNull() && !(z.isTextual() && z.asText().equals(zone.name()))) {
            out.add(FieldPath.of("zone"), "a zone CP issues ingress tokens for its own zone only (\"" + zone.name()
                    + "\"); zone CP tokens come from the global");
        }
        JsonNode scope = body.path("scope");
        if (!scope.isMissingNode() && !scope.isNull()
                && !(scope.isArray() && scope.size() == 1 && ZoneToken.INGRESS.equals(scope.get(0).asText(null)))) {
            out.add(FieldPath.of("scope"), "a zone CP issues only [\"ingress\"] tokens (for its ingress gateways); [\"cp\"] tokens come from the global");
        }
        Duration validFor = DEFAULT_VALIDITY;
        JsonNode v = body.path(ValidFor.FIELD);
        if (!v.isMissingNode() && !v.isNull()) {
            if (!v.isTextual()) {
                out.add(FieldPath.of(ValidFor.FIELD), "must be a duration like \"8760h\"");
            } else {
                try {
                    validFor = ValidFor.parse(v.asText(), DEFAULT_VALIDITY, TITLE);
                } catch (ValidationException e) {
                    out.addAll(e.violations());
                }
            }
        }
        out.throwIfAny(TITLE);
        return validFor;
    }

    @POST
    @Path("revocations")
    public Response revoke(byte[] body, @Context HttpHeaders headers) {
        RevocationRequest request = RevocationRequest.of(ResourceCodec.parse(body, Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE))));
        String id = request.revokeIn(keys, TokenKind.ZONE);
        LOG.infof("zone token %s revoked at zone %s at the request of %s", id, zone.name(), caller.get().describe());
        return Response.noContent().build();
    }

    @POST
    @Path("signing-keys/_rotate")
    public Response rotate(@Context HttpHeaders headers) {
        String kid = keys.ring(TokenKind.ZONE).rotate().current().kid();
        LOG.infof("zone %s's ingress token signing key rotated (new key %s) at the request of %s", zone.name(), kid, caller.get().describe());
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.ok(ResourceCodec.write(Map.of("kid", kid), out), Formats.mediaType(out)).build();
    }
}
