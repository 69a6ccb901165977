package dev.ursa.cp.store;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Derives {@code quarkus.datasource.active} and {@code quarkus.hibernate-orm.active} from {@code ursa.store.type}, so
 * that with {@code memory} (the default) no pool and no session factory is started and no database needs to exist.
 * <p>
 * The derived values come from a config source of ordinal {@value #ORDINAL}, below every real source (library
 * {@code microprofile-config.properties} is 100, {@code application.properties} 250, env 300, system properties 400):
 * whatever the user sets explicitly wins. Registered in {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}.
 */
public final class StoreActivation implements ConfigSourceFactory {
    static final int ORDINAL = 10;
    static final String STORE_TYPE = "ursa.store.type";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue type = context.getValue(STORE_TYPE);
        String active = Boolean.toString(type != null && type.getValue() != null && type.getValue().trim().equals(StoreConfig.Type.POSTGRES.configValue()));
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.active", active,
                "quarkus.hibernate-orm.active", active), "ursa-store-activation (from " + STORE_TYPE + ")", ORDINAL));
    }
}
