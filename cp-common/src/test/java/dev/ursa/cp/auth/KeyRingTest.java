package dev.ursa.cp.auth;

import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import dev.ursa.mesh.resources.TokenTrustSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRingTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    private static String token(KeyRing ring, TokenKind kind, Duration validFor) {
        JwtClaims claims = kind.newClaims("alice", T0, validFor);
        return ring.sign(claims);
    }

    @Test
    void aTokenVerifiesWithTheRingsPublicKeysAndCarriesItsClaims() throws Exception {
        KeyRing ring = KeyRing.generate(T0);
        JwtClaims claims = ring.publicKeys().verify(token(ring, TokenKind.USER, Duration.ofHours(1)), TokenKind.USER, CLOCK);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(Revocations.isTokenId(PublicKeys.id(claims))).isTrue();
        assertThat(PublicKeys.expiry(claims)).isEqualTo(T0.plusSeconds(3600));
    }

    @Test
    void aTokenOfAnotherKindIsRefusedEvenWithTheSameKeys() {
        KeyRing ring = KeyRing.generate(T0);
        String dataplane = token(ring, TokenKind.DATAPLANE, Duration.ofHours(1));
        assertThatThrownBy(() -> ring.publicKeys().verify(dataplane, TokenKind.USER, CLOCK))
                .isInstanceOf(InvalidTokenException.class).hasMessage("not a user token");
    }

    @Test
    void anotherRingsTokenAnExpiredOneAndGarbageAreRefusedWithTheirReason() {
        KeyRing ring = KeyRing.generate(T0);
        KeyRing other = KeyRing.generate(T0);
        assertThatThrownBy(() -> ring.publicKeys().verify(token(other, TokenKind.USER, Duration.ofHours(1)), TokenKind.USER, CLOCK))
                .hasMessageContaining("signature is not valid");
        Clock later = Clock.fixed(T0.plus(Duration.ofHours(2)), ZoneOffset.UTC);
        assertThatThrownBy(() -> ring.publicKeys().verify(token(ring, TokenKind.USER, Duration.ofHours(1)), TokenKind.USER, later))
                .hasMessage("user token expired");
        assertThatThrownBy(() -> ring.publicKeys().verify("not.a.jwt", TokenKind.USER, CLOCK)).hasMessage("user token is malformed");
        assertThatThrownBy(() -> ring.publicKeys().verify(" ", TokenKind.USER, CLOCK)).hasMessage("no user token");
    }

    @Test
    void aRememberedTokenIsStillRefusedOnceExpiredAndOnlyForItsOwnKind() throws Exception {
        KeyRing ring = KeyRing.generate(T0);
        PublicKeys keys = ring.publicKeys();
        String t = token(ring, TokenKind.DATAPLANE, Duration.ofHours(1));
        assertThat(keys.verify(t, TokenKind.DATAPLANE, CLOCK)).isSameAs(keys.verify(t, TokenKind.DATAPLANE, CLOCK)); // remembered
        assertThatThrownBy(() -> keys.verify(t, TokenKind.USER, CLOCK)).hasMessage("not a user token");
        Clock withinSkew = Clock.fixed(T0.plus(Duration.ofHours(1)).plusSeconds(20), ZoneOffset.UTC);
        assertThat(keys.verify(t, TokenKind.DATAPLANE, withinSkew)).isNotNull();
        Clock later = Clock.fixed(T0.plus(Duration.ofHours(1)).plusSeconds(31), ZoneOffset.UTC);
        assertThatThrownBy(() -> keys.verify(t, TokenKind.DATAPLANE, later)).hasMessage("dataplane token expired");
        String tampered = t.substring(0, t.length() - 4) + (t.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> keys.verify(tampered, TokenKind.DATAPLANE, CLOCK)).hasMessageContaining("signature is not valid");
    }

    @Test
    void aTamperedSignatureIsRefused() {
        KeyRing ring = KeyRing.generate(T0);
        String t = token(ring, TokenKind.USER, Duration.ofHours(1));
        String tampered = t.substring(0, t.length() - 4) + (t.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> ring.publicKeys().verify(tampered, TokenKind.USER, CLOCK)).hasMessageContaining("signature is not valid");
    }

    @Test
    void rotationKeepsOldTokensValidUntilTheyExpireThenPrunesTheOldKey() throws Exception {
        KeyRing ring = KeyRing.generate(T0);
        String old = token(ring, TokenKind.ZONE, Duration.ofHours(1));
        KeyRing rotated = ring.rotate(T0);
        assertThat(rotated.current().kid()).isNotEqualTo(ring.current().kid());
        assertThat(rotated.publicKeys().verify(old, TokenKind.ZONE, CLOCK).getSubject()).isEqualTo("alice");
        assertThat(rotated.publicKeys().verify(token(rotated, TokenKind.ZONE, Duration.ofHours(1)), TokenKind.ZONE, CLOCK)).isNotNull();

        assertThat(rotated.prune(T0.plus(Duration.ofMinutes(59)), Duration.ofHours(1)).entries()).hasSize(2);
        KeyRing pruned = rotated.prune(T0.plus(Duration.ofHours(1)).plusSeconds(1), Duration.ofHours(1));
        assertThat(pruned.entries()).hasSize(1);
        assertThat(pruned.current().kid()).isEqualTo(rotated.current().kid());
    }

    @Test
    void theRingSurvivesItsSerialisedFormAndPublicKeysSurviveJwks() throws Exception {
        KeyRing ring = KeyRing.generate(T0).rotate(T0.plusSeconds(5));
        KeyRing back = KeyRing.fromJson(ring.toJson());
        assertThat(back.toJson()).isEqualTo(ring.toJson());
        String t = token(back, TokenKind.DATAPLANE, Duration.ofHours(1));
        PublicKeys published = PublicKeys.fromJwks(ring.publicKeys().toJwks());
        assertThat(published.verify(t, TokenKind.DATAPLANE, CLOCK)).isNotNull();
        assertThat(ring.publicKeys().toJwks()).doesNotContain("\"d\"").doesNotContain("\"p\"");
    }

    @Test
    void revocationsAreBoundedByTokenExpiryAndTakeOnlyTokenIds() {
        String id = "0b6e5c7e-2b8a-4d7f-9d55-4f7f7a1c2e3d";
        Revocations r = Revocations.none().with(id, T0.plusSeconds(60));
        assertThat(r.contains(id)).isTrue();
        assertThat(Revocations.fromJson(r.toJson()).contains(id)).isTrue();
        assertThat(r.prune(T0.plusSeconds(59)).contains(id)).isTrue();
        assertThat(r.prune(T0.plusSeconds(60)).size()).isZero();
        assertThatThrownBy(() -> r.with("alice", T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Revocations.fromJson("a,b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPublishedTokenTrustVerifiesTheRingsTokensAndCarriesRevocations() throws Exception {
        KeyRing ring = KeyRing.generate(T0).rotate(T0);
        String id = "0b6e5c7e-2b8a-4d7f-9d55-4f7f7a1c2e3d";
        var resource = TokenTrust.resource(TokenKind.DATAPLANE, ring.publicKeys(), Revocations.none().with(id, T0.plusSeconds(60)));
        var spec = resource.spec(TokenTrustSpec.class);
        assertThat(spec.keys()).hasSize(2).allSatisfy(k -> assertThat(k).doesNotContainKey("d"));
        assertThat(TokenTrust.keys(spec).verify(token(ring, TokenKind.DATAPLANE, Duration.ofHours(1)), TokenKind.DATAPLANE, CLOCK)).isNotNull();
        assertThat(TokenTrust.revocations(spec).contains(id)).isTrue();
        assertThat(resource.meta().name()).isEqualTo("dataplane-tokens");
    }
}
