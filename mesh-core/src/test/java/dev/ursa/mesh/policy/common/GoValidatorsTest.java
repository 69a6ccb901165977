package dev.ursa.mesh.policy.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The govalidator checks as Kuma's validators see them (cases from Kuma's MeshAccessLog/MeshTrace tests and docs). */
class GoValidatorsTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:5000", "google.com", "http://logs.com", "logging.backend", "logstash.logging:5000",
            "http://jaeger-collector:9411/api/v2/spans", "https://10.0.0.9:9411/api/v2/spans", "tcp://1.2.3.4:514"})
    void urls(String s) {
        assertThat(GoValidators.isUrl(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not_valid_url", "abc", ".example.com", "http://.example.com", "host:port", "a b.com",
            "http://exa mple.com/x"})
    void notUrls(String s) {
        assertThat(GoValidators.isUrl(s)).isFalse();
    }

    @Test
    void ipsAsGoNetParsesThem() {
        assertThat(GoValidators.isIp("::ffff:10.0.0.1")).isTrue();
        assertThat(GoValidators.isIp("fe80::1%1")).isFalse();
        assertThat(GoValidators.isIp("example.com")).isFalse();
    }

    @Test
    void cidrsAndDnsNames() {
        assertThat(GoValidators.isCidr("1.2.3.4/24")).isTrue();
        assertThat(GoValidators.isCidr("fd00::/64")).isTrue();
        assertThat(GoValidators.isCidr("1.2.3.4/33")).isFalse();
        assertThat(GoValidators.isCidr("fe80::1%1/64")).isFalse();
        assertThat(GoValidators.isCidr("1.2.3.4")).isFalse();
        assertThat(GoValidators.isDnsName("a_b.example.com")).isTrue();
        assertThat(GoValidators.isDnsName("example.com.")).isTrue();
        assertThat(GoValidators.isDnsName("1.2.3.4")).isFalse();
        assertThat(GoValidators.isDnsName("::1")).isFalse();
        assertThat(GoValidators.isDnsName("hello@world")).isFalse();
        assertThat(GoValidators.isDnsName("a".repeat(64) + ".com")).as("a label of 64").isFalse();
        // 255 characters besides the dots, as govalidator counts: 4 labels of 63 and one of 3, with their dots
        String longest = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63), "eee");
        assertThat(longest.length()).isGreaterThan(255);
        assertThat(GoValidators.isDnsName(longest)).isTrue();
        assertThat(GoValidators.isDnsName(longest + "e")).isFalse();
    }

    @Test
    void filePathsAndJson() {
        assertThat(GoValidators.isFilePath("/var/log/logs.txt")).isTrue();
        assertThat(GoValidators.isFilePath("/dev/stdout")).isTrue();
        assertThat(GoValidators.isFilePath("C:\\logs\\a.txt")).isTrue();
        assertThat(GoValidators.isFilePath("#not_valid")).isFalse();
        assertThat(GoValidators.isFilePath("logs.txt")).isFalse();
        assertThat(GoValidators.isFilePath("")).isFalse();
        assertThat(GoValidators.isJson("{\"start_time\": \"%START_TIME%\"}")).isTrue();
        assertThat(GoValidators.isJson("{\"\"\": \"%START_TIME%\"}")).isFalse();
        assertThat(GoValidators.isJson("")).isFalse();
    }

    // java.util.regex took ~3 s for 500 characters of this (backtracking); RE2 is linear like Go's regexp
    @Test
    void aLongHostileUrlIsRefusedInLinearTime() {
        String hostile = "http://" + "a".repeat(2000) + "!";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThat(GoValidators.isUrl(hostile)).isFalse());
    }
}
