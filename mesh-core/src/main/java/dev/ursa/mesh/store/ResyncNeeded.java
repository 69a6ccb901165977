package dev.ursa.mesh.store;

import java.time.Instant;

/**
 * Changes committed between {@code since} and {@code resumedAt} may not have been delivered as {@link ChangeEvent}s
 * ({@code since} is null when unknown). Changes after {@code resumedAt} are delivered normally.
 */
public record ResyncNeeded(Instant since, Instant resumedAt, String reason) {
}
