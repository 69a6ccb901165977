package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.policy.common.PolicyFixtures.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every policy fixture (Kuma's documentation examples and Ursa's own) is accepted with exactly the warnings its header
 * declares, decodes to its type's spec and round-trips; the per-type tests check what their fields bind to.
 */
class EveryFixtureIsAcceptedTest {

    static List<Fixture> fixtures() {
        return PolicyFixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureIsAcceptedWithItsDeclaredWarningsAndRoundTrips(Fixture fixture) {
        PolicyFixtures.assertFixtureAccepted(fixture);
    }

    @Test
    void warningsAreDeclaredInTheLeadingCommentOnly() {
        String yaml = """
                # what this shows
                # warning at spec.to[0].default.numRetries: not applied
                type: MeshRetry
                # warning at spec.ignored: a comment below the header is not a declaration
                """;
        assertThat(PolicyFixtures.declaredWarnings(yaml)).containsExactly(at("spec.to[0].default.numRetries", "not applied"));
        assertThatThrownBy(() -> PolicyFixtures.declaredWarnings("# warning at spec.to without a fragment\n"))
                .hasMessageContaining("# warning at <field>: <fragment>");
    }
}
