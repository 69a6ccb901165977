package dev.ursa.agent;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backoff, command-line values, redaction. */
class SmallPartsTest {
    @Test
    void standardBackoffDoublesFromOneSecondToThirtyWithAtMost20PercentJitter() {
        BackoffPolicy lowest = new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 1.0);
        BackoffPolicy highest = new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0);
        List<Long> top = new ArrayList<>();
        List<Long> bottom = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            top.add(highest.delay(n).toMillis());
            bottom.add(lowest.delay(n).toMillis());
        }
        assertThat(top).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
        assertThat(bottom).containsExactly(800L, 1600L, 3200L, 6400L, 12800L, 24000L, 24000L, 24000L);
        assertThat(BackoffPolicy.standard().delay(1000)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(BackoffPolicy.standard().delay(1)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
    }

    @Test
    void durationsAndAddressesParseAsWrittenOnACommandLine() {
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("ten")).hasMessageContaining("not a duration: 'ten'");
        assertThat(HostPort.parse("127.0.0.1:5678")).isEqualTo(new HostPort("127.0.0.1", 5678));
        assertThat(HostPort.parse("[::1]:5678").toString()).isEqualTo("[::1]:5678");
        assertThatThrownBy(() -> HostPort.parse("zone-cp")).hasMessageContaining("'zone-cp' is not HOST:PORT");
    }

    @Test
    void optionsRejectANodeIdWithoutMeshAndNeverShowTheToken() {
        assertThatThrownBy(() -> new AgentOptions(new HostPort("h", 1), "tok", "backend", null, Path.of("d"), Duration.ofSeconds(1)))
                .hasMessageContaining("node id 'backend' is not <mesh>.<dataplane name>");
        AgentOptions options = new AgentOptions(new HostPort("h", 1), "s3cr3t-token", "default.backend", null, Path.of("d"), Duration.ofSeconds(1));
        assertThat(options.toString()).doesNotContain("s3cr3t-token");
        assertThat(options.mesh()).isEqualTo("default");
    }

    @Test
    void logLinesNeverCarryARegisteredSecret() {
        Log.redact("tok-123456"); // (other tests in this JVM register their tokens too)
        assertThat(Log.clean("server said: tok-123456 expired")).isEqualTo("server said: <redacted> expired");
    }
}
