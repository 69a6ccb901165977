package dev.ursa.cp.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The signing keys of one token kind, oldest first: the newest signs, every key still in the ring verifies (by its
 * {@code kid}). Rotation appends a key; a superseded key is dropped once every token it can have signed has expired,
 * so rotating never invalidates a live token. Immutable; {@link StoredKeyRing} keeps it in the store.
 */
public final class KeyRing {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param supersededAt when a newer key took over signing; null for the current key */
    public record Entry(RsaJsonWebKey key, Instant created, Instant supersededAt) {
        public String kid() {
            return key.getKeyId();
        }
    }

    private final List<Entry> entries;

    private KeyRing(List<Entry> entries) {
        if (entries.isEmpty()) throw new IllegalArgumentException("a key ring needs a key");
        this.entries = List.copyOf(entries);
    }

    /** A ring with one fresh RSA-2048 key. */
    public static KeyRing generate(Instant now) {
        return new KeyRing(List.of(new Entry(newKey(), now, null)));
    }

    public List<Entry> entries() {
        return entries;
    }

    public Entry current() {
        return entries.getLast();
    }

    /** A ring whose new key signs from now on; the old ones still verify. */
    public KeyRing rotate(Instant now) {
        List<Entry> next = new ArrayList<>();
        for (Entry e : entries) next.add(e.supersededAt() == null ? new Entry(e.key(), e.created(), now) : e);
        next.add(new Entry(newKey(), now, null));
        return new KeyRing(next);
    }

    /** Drops superseded keys that cannot have signed a token still valid at {@code now}. */
    public KeyRing prune(Instant now, Duration maxValidity) {
        List<Entry> kept = entries.stream()
                .filter(e -> e.supersededAt() == null || e.supersededAt().plus(maxValidity).isAfter(now))
                .toList();
        return kept.size() == entries.size() ? this : new KeyRing(kept);
    }

    /** Signs the claims with the current key (RS256, {@code kid} header). */
    public String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(current().key().getPrivateKey());
        jws.setKeyIdHeaderValue(current().kid());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /** The public halves, for verification here and wherever the ring's tokens are checked (e.g. a zone). */
    public PublicKeys publicKeys() {
        return PublicKeys.of(entries.stream().map(e -> (RsaJsonWebKey) publicOnly(e.key())).toList());
    }

    /** Serialised form (private keys included): only ever written to an internal secret. */
    public String toJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jwk", e.key().toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            m.put("created", e.created().toString());
            if (e.supersededAt() != null) m.put("supersededAt", e.supersededAt().toString());
            out.add(m);
        }
        try {
            return JSON.writeValueAsString(Map.of("keys", out));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyRing fromJson(String json) {
        try {
            Map<String, List<Map<String, Object>>> root = JSON.readValue(json, new TypeReference<>() { });
            List<Entry> entries = new ArrayList<>();
            for (Map<String, Object> m : root.get("keys")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> jwk = (Map<String, Object>) m.get("jwk");
                Object superseded = m.get("supersededAt");
                entries.add(new Entry((RsaJsonWebKey) JsonWebKey.Factory.newJwk(jwk), Instant.parse((String) m.get("created")),
                        superseded == null ? null : Instant.parse((String) superseded)));
            }
            return new KeyRing(entries);
        } catch (IOException | JoseException | RuntimeException e) {
            throw new IllegalArgumentException("not a key ring: " + e.getClass().getSimpleName());
        }
    }

    private static RsaJsonWebKey newKey() {
        try {
            RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
            jwk.setKeyId(UUID.randomUUID().toString());
            return jwk;
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    private static JsonWebKey publicOnly(RsaJsonWebKey key) {
        try {
            return JsonWebKey.Factory.newJwk(key.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
