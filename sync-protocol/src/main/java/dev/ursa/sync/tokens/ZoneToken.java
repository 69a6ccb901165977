package dev.ursa.sync.tokens;

import java.time.Instant;

/** A verified zone token: the zone it names, its id (for revocation) and when it expires. */
public record ZoneToken(String zone, String id, Instant issuedAt, Instant expiresAt) {
}
