package dev.ursa.cp.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class UserTokenRequestTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    static List<String> fields(String body) throws Exception {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> UserTokenRequest.of(json(body)));
        assertThat(e).as(body).isNotNull();
        return e.violations().stream().map(Violation::field).toList();
    }

    @Test
    void aGoodRequestIsTakenAsSent() throws Exception {
        UserTokenRequest r = UserTokenRequest.of(json("{\"name\":\"alice@example.com\",\"groups\":[\"mesh-system:admin\",\"mesh-system:admin\"],\"validFor\":\"90m\"}"));
        assertThat(r.name()).isEqualTo("alice@example.com");
        assertThat(r.groups()).containsExactly("mesh-system:admin");
        assertThat(r.validFor()).isEqualTo(Duration.ofMinutes(90));
        assertThat(UserTokenRequest.of(json("{\"name\":\"ci\",\"groups\":[\"mesh-system:readonly\"]}")).validFor()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void everyBadFieldIsNamedAtOnce() throws Exception {
        assertThat(fields("{}")).containsExactly("name", "groups");
        assertThat(fields("{\"name\":\"a\\nb\",\"groups\":[\"x\",\"mesh-system:readonly\",3],\"validFor\":\"forever\"}"))
                .containsExactly("name", "groups[0]", "groups[2]", "validFor");
        assertThat(fields("{\"name\":\"mesh-system:localhost\",\"groups\":[\"mesh-system:admin\"]}")).containsExactly("name");
        assertThat(fields("{\"name\":\"" + "a".repeat(254) + "\",\"groups\":[\"mesh-system:admin\"]}")).containsExactly("name");
        assertThat(fields("{\"name\":\"a\",\"groups\":\"mesh-system:admin\"}")).containsExactly("groups");
        assertThat(fields("{\"name\":\"a\",\"groups\":[\"mesh-system:admin\"],\"validFor\":\"0s\"}")).containsExactly("validFor");
        assertThat(fields("{\"name\":\"a\",\"groups\":[\"mesh-system:admin\"],\"validFor\":\"87601h\"}")).containsExactly("validFor");
        assertThat(fields("[]")).containsExactly("");
    }

    @Test
    void validForIsAKumaDurationOfAtMostTenYears() {
        assertThat(ValidFor.parse(null, Duration.ofDays(365), "t")).isEqualTo(Duration.ofDays(365));
        assertThat(ValidFor.parse("87600h", Duration.ZERO, "t")).isEqualTo(Duration.ofHours(87600));
        assertThat(ValidFor.parse("1h30m", Duration.ZERO, "t")).isEqualTo(Duration.ofMinutes(90));
        for (String bad : List.of("", "1y", "-5m", "0", "87600h1s")) {
            ValidationException e = catchThrowableOfType(ValidationException.class, () -> ValidFor.parse(bad, Duration.ZERO, "Invalid"));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.violations()).extracting(Violation::field).containsExactly("validFor");
        }
    }
}
