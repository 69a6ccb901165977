package dev.ursa.cp.auth;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.TokenTrustSpec;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts between a token kind's public keys + revocations and the {@code TokenTrust} resource the global publishes
 * for zones (name {@code <kind>-tokens}, e.g. {@code dataplane-tokens}).
 */
public final class TokenTrust {
    private TokenTrust() {
    }

    public static String name(TokenKind kind) {
        return kind.claim() + "-tokens";
    }

    public static ResourceKey key(TokenKind kind) {
        return ResourceKey.of(ResourceTypes.TOKEN_TRUST, "", name(kind));
    }

    public static Resource resource(TokenKind kind, PublicKeys keys, Revocations revocations) {
        List<Map<String, Object>> jwks = new ArrayList<>();
        for (RsaJsonWebKey k : keys.keys()) jwks.add(k.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        Map<String, String> revoked = new TreeMap<>();
        revocations.entries().forEach((id, exp) -> revoked.put(id, exp.toString()));
        return new Resource(ResourceTypes.TOKEN_TRUST, Meta.fresh("", name(kind), Map.of()), new TokenTrustSpec(jwks, revoked));
    }

    /** The keys of a published trust; keys that do not parse are skipped (a zone must not fail on a newer format). */
    public static PublicKeys keys(TokenTrustSpec spec) {
        List<RsaJsonWebKey> keys = new ArrayList<>();
        for (Map<String, Object> params : spec.keys()) {
            try {
                if (JsonWebKey.Factory.newJwk(new LinkedHashMap<>(params)) instanceof RsaJsonWebKey rsa && rsa.getKeyId() != null) keys.add(rsa);
            } catch (JoseException e) {
                // skipped: see above
            }
        }
        return PublicKeys.of(keys);
    }

    public static Revocations revocations(TokenTrustSpec spec) {
        Revocations r = Revocations.none();
        for (Map.Entry<String, String> e : spec.revoked().entrySet()) {
            if (Revocations.isTokenId(e.getKey())) r = r.with(e.getKey(), Instant.parse(e.getValue()));
        }
        return r;
    }
}
