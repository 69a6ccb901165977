package dev.ursa.zone.xds.auth;

import dev.ursa.zone.xds.XdsConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The secure defaults of {@code ursa.xds.*}: dataplane tokens required, no client-only view for unregistered nodes. */
class XdsAuthDefaultsTest {
    static XdsConfig config(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(XdsConfig.class).withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 100)).build();
        return config.getConfigMapping(XdsConfig.class);
    }

    @Test
    void tokensAreRequiredAndUnregisteredClientsRefusedByDefault() {
        XdsConfig defaults = config(Map.of());
        assertThat(defaults.auth()).isEqualTo(XdsAuthMode.DP_TOKEN);
        assertThat(defaults.allowUnregisteredClients()).isFalse();
    }

    @Test
    void theLabSwitchesAreSpelledAsDocumented() {
        XdsConfig lab = config(Map.of("ursa.xds.auth", "none", "ursa.xds.allow-unregistered-clients", "true"));
        assertThat(lab.auth()).isEqualTo(XdsAuthMode.NONE);
        assertThat(lab.allowUnregisteredClients()).isTrue();
        assertThat(config(Map.of("ursa.xds.auth", "dp-token")).auth()).isEqualTo(XdsAuthMode.DP_TOKEN);
    }
}
