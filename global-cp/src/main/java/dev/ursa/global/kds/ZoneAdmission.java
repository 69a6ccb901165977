package dev.ursa.global.kds;

import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneSpec;
import dev.ursa.mesh.store.ResourceStore;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the global lets a zone in, from the store: not when its Zone resource is disabled, nor with a token issued up
 * to the second its Zone was deleted ({@link ZoneDeletions}). A zone the global has never seen is let in (its Zone is
 * created at its first connect). Blocking; a store error propagates, so the caller fails closed.
 */
final class ZoneAdmission {
    private final ResourceStore store;
    private final ZoneDeletions deletions;

    ZoneAdmission(ResourceStore store, ZoneDeletions deletions) {
        this.store = store;
        this.deletions = deletions;
    }

    /**
     * @param issuedAt when the zone's token was issued ({@link Instant#MAX} without token authentication)
     * @return why the zone is refused; empty when it is let in
     */
    Optional<String> refusal(String zone, Instant issuedAt) {
        Optional<Resource> stored = StoredSecrets.join(store.get(ResourceKey.of(ResourceTypes.ZONE, "", zone)));
        if (stored.isPresent() && !stored.get().spec(ZoneSpec.class).isEnabled()) {
            return Optional.of("zone " + zone + " is disabled on the global");
        }
        Optional<Instant> deleted = deletions.deletedAt(zone);
        if (deleted.isPresent() && ZoneDeletions.predates(issuedAt, deleted.get())) {
            return Optional.of("zone " + zone + " was deleted on the global after this token was issued: mint a new zone token");
        }
        return Optional.empty();
    }
}
