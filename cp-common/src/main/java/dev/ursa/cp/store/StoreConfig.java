package dev.ursa.cp.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Locale;

/** {@code ursa.store.*}: where a control plane keeps its resources. */
@ConfigMapping(prefix = "ursa.store")
public interface StoreConfig {
    /** {@code memory} (embedded default, nothing survives a restart) or {@code postgres} (uses {@code quarkus.datasource.*}). */
    @WithDefault("memory")
    Type type();

    /** Written in lower case in configuration ({@code memory}, {@code postgres}): SmallRye matches enum values so. */
    enum Type {
        MEMORY,
        POSTGRES;

        /** As configuration spells it. */
        public String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
