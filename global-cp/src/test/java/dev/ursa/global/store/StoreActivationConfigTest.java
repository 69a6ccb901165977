package dev.ursa.global.store;

import dev.ursa.cp.store.StoreActivation;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code ursa.store.type} decides {@code quarkus.datasource.active} and {@code quarkus.hibernate-orm.active}: the
 * {@link StoreActivation} config source alone, on plain SmallRye config (no app started, no database contacted).
 */
class StoreActivationConfigTest {
    private static SmallRyeConfig config(Map<String, String> userSettings) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(userSettings, "user", 250))
                .withSources(new StoreActivation())
                .build();
    }

    @Test
    void postgresActivatesDatasourceAndHibernate() {
        SmallRyeConfig config = config(Map.of("ursa.store.type", "postgres"));

        assertThat(config.getValue("quarkus.datasource.active", Boolean.class)).isTrue();
        assertThat(config.getValue("quarkus.hibernate-orm.active", Boolean.class)).isTrue();
    }

    @Test
    void memoryOrNothingDeactivatesThem() {
        for (var settings : java.util.List.of(Map.of("ursa.store.type", "memory"), Map.<String, String>of())) {
            SmallRyeConfig config = config(settings);
            assertThat(config.getValue("quarkus.datasource.active", Boolean.class)).isFalse();
            assertThat(config.getValue("quarkus.hibernate-orm.active", Boolean.class)).isFalse();
        }
    }

    @Test
    void anExplicitSettingWins() {
        SmallRyeConfig config = config(Map.of("ursa.store.type", "memory", "quarkus.datasource.active", "true"));

        assertThat(config.getValue("quarkus.datasource.active", Boolean.class)).isTrue();
        assertThat(config.getValue("quarkus.hibernate-orm.active", Boolean.class)).isFalse();
    }
}
