package dev.ursa.global.kds;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.mesh.store.ResourceStore;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When each Zone resource was last deleted, so that zone tokens issued up to that second are refused: deleting a Zone
 * on the global locks out every zone CP holding one of its tokens, and a token minted afterwards lets the zone back in
 * (its Zone is then created again at the first connect). Kept in the internal secret {@value #SECRET} (every instance
 * sharing the database sees it); an entry is dropped once every token it can refuse has expired, so the list stays
 * bounded. Blocking store access: KDS admission threads and the change-feed worker only.
 */
final class ZoneDeletions {
    static final String SECRET = "zone-deletions";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResourceStore store;
    private final Clock clock;

    ZoneDeletions(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records that {@code zone}'s Zone resource was deleted at {@code at} (the latest deletion wins). */
    void record(String zone, Instant at) {
        StoredSecrets.update(store, SECRET, before -> {
            Map<String, Instant> deletions = parse(before);
            Instant horizon = clock.instant().minus(TokenKeys.MAX_VALIDITY);
            deletions.values().removeIf(t -> t.isBefore(horizon));
            deletions.merge(zone, at, (a, b) -> a.isAfter(b) ? a : b);
            return write(deletions);
        });
    }

    /** When {@code zone} was last deleted, if it was within the longest token validity. Reads the store. */
    Optional<Instant> deletedAt(String zone) {
        return StoredSecrets.read(store, SECRET).map(ZoneDeletions::parse).map(m -> m.get(zone));
    }

    /** Whether a token issued at {@code issuedAt} (whole seconds, as JWTs carry it) predates the deletion. */
    static boolean predates(Instant issuedAt, Instant deletedAt) {
        return issuedAt.getEpochSecond() <= deletedAt.getEpochSecond();
    }

    private static Map<String, Instant> parse(String json) {
        Map<String, Instant> out = new TreeMap<>();
        if (json == null || json.isBlank()) return out;
        try {
            Map<String, String> in = JSON.readValue(json, new TypeReference<>() { });
            in.forEach((zone, at) -> out.put(zone, Instant.parse(at)));
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the zone deletion list is unreadable");
        }
    }

    private static String write(Map<String, Instant> deletions) {
        Map<String, String> out = new TreeMap<>();
        deletions.forEach((zone, at) -> out.put(zone, at.toString()));
        try {
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
