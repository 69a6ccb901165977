package dev.ursa.cp.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Revoked token ids of one kind with the expiry of each token. Bounded: an id is dropped once its token has expired
 * (an expired token is refused anyway), so the list only holds what could still be presented. Ids are token ids
 * (UUIDs), never tokens. Immutable.
 */
public final class Revocations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Instant> expiryById;

    private Revocations(Map<String, Instant> expiryById) {
        this.expiryById = Map.copyOf(expiryById);
    }

    public static Revocations none() {
        return new Revocations(Map.of());
    }

    /** Whether a string can name a token (a UUID as Ursa issues them). */
    public static boolean isTokenId(String id) {
        if (id == null || id.length() != 36) return false;
        try {
            return UUID.fromString(id).toString().equals(id.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean contains(String tokenId) {
        return expiryById.containsKey(tokenId);
    }

    public int size() {
        return expiryById.size();
    }

    public Map<String, Instant> entries() {
        return expiryById;
    }

    /** @param expiry when the revoked token expires anyway (the id is kept until then) */
    public Revocations with(String tokenId, Instant expiry) {
        if (!isTokenId(tokenId)) throw new IllegalArgumentException("a token id is a UUID");
        Map<String, Instant> next = new LinkedHashMap<>(expiryById);
        next.merge(tokenId, expiry, (a, b) -> a.isAfter(b) ? a : b);
        return new Revocations(next);
    }

    public Revocations prune(Instant now) {
        Map<String, Instant> kept = new LinkedHashMap<>();
        expiryById.forEach((id, exp) -> {
            if (exp.isAfter(now)) kept.put(id, exp);
        });
        return kept.size() == expiryById.size() ? this : new Revocations(kept);
    }

    public String toJson() {
        Map<String, String> out = new TreeMap<>();
        expiryById.forEach((id, exp) -> out.put(id, exp.toString()));
        try {
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@link #toJson()}; an empty string is no revocation. */
    public static Revocations fromJson(String json) {
        if (json == null || json.isBlank()) return none();
        try {
            Map<String, String> in = JSON.readValue(json, new TypeReference<>() { });
            Map<String, Instant> m = new LinkedHashMap<>();
            in.forEach((id, exp) -> m.put(id, Instant.parse(exp)));
            return new Revocations(m);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a revocation list");
        }
    }
}
