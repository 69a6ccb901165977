package dev.ursa.sync.tokens;

import dev.ursa.sync.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZoneTokensTest {
    static final String KEY = ZoneTokens.generateKey();
    final Fixtures.MutableClock clock = new Fixtures.MutableClock();
    final ZoneTokens tokens = new ZoneTokens(KEY, clock);

    @Test
    void issuedTokenVerifiesWithZoneIdAndExpiry() throws Exception {
        String jwt = tokens.issue("zone-1", Duration.ofHours(8760));
        ZoneToken t = tokens.verify(jwt);
        assertThat(t.zone()).isEqualTo("zone-1");
        assertThat(t.id()).isNotBlank();
        assertThat(t.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(8760)));
        assertThat(tokens.issue("zone-1", Duration.ofHours(1))).isNotEqualTo(jwt);
    }

    @Test
    void expiredTokenIsRejected() {
        String jwt = tokens.issue("zone-1", Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(6));
        assertThatThrownBy(() -> tokens.verify(jwt)).isInstanceOf(InvalidZoneTokenException.class).hasMessageContaining("expired");
    }

    @Test
    void tokenOfAnotherKeyOrTamperedIsRejected() {
        String foreign = new ZoneTokens(ZoneTokens.generateKey(), clock).issue("zone-1", Duration.ofHours(1));
        assertThatThrownBy(() -> tokens.verify(foreign)).isInstanceOf(InvalidZoneTokenException.class).hasMessageContaining("signature");
        String jwt = tokens.issue("zone-1", Duration.ofHours(1));
        String[] parts = jwt.split("\\.");
        String otherPayload = tokens.issue("zone-2", Duration.ofHours(1)).split("\\.")[1];
        assertThatThrownBy(() -> tokens.verify(parts[0] + "." + otherPayload + "." + parts[2])).isInstanceOf(InvalidZoneTokenException.class);
        assertThatThrownBy(() -> tokens.verify("garbage")).isInstanceOf(InvalidZoneTokenException.class);
        assertThatThrownBy(() -> tokens.verify("")).isInstanceOf(InvalidZoneTokenException.class).hasMessageContaining("no zone token");
    }

    @Test
    void zoneNamesAreDnsLabels() {
        assertThat(ZoneNames.valid("zone-1")).isTrue();
        assertThat(ZoneNames.valid("zone.1")).isFalse();
        assertThat(ZoneNames.valid("Zone")).isFalse();
        assertThat(ZoneNames.valid("-z")).isFalse();
        assertThatThrownBy(() -> tokens.issue("a.b", Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
