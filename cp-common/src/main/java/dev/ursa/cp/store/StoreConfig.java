package dev.ursa.cp.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code ursa.store.*}: where a control plane keeps its resources. */
@ConfigMapping(prefix = "ursa.store")
public interface StoreConfig {
    /** {@code memory} (embedded default, nothing survives a restart) or {@code postgres} (uses {@code quarkus.datasource.*}). */
    @WithDefault("memory")
    Type type();

    enum Type {
        memory,
        postgres
    }
}
