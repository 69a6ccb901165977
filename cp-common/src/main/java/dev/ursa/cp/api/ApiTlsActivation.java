package dev.ursa.cp.api;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HTTPS on the admin port: {@code ursa.api.tls.cert-file} and {@code ursa.api.tls.key-file} (PEM) become Quarkus' HTTP
 * TLS settings, on the admin port itself ({@code quarkus.http.port}, 5681) with plain HTTP off, so the one admin port
 * speaks HTTPS only. Both keys or neither: one alone is refused at start ({@link ApiTlsCheck}).
 * <p>
 * The derived values come from a config source of ordinal {@value #ORDINAL}, below every real source, so anything set
 * explicitly (e.g. {@code quarkus.http.ssl-port}) wins. Registered in
 * {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}.
 */
public final class ApiTlsActivation implements ConfigSourceFactory {
    static final int ORDINAL = 10;
    static final String CERT_FILE = "ursa.api.tls.cert-file";
    static final String KEY_FILE = "ursa.api.tls.key-file";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Optional<String> cert = value(context, CERT_FILE);
        Optional<String> key = value(context, KEY_FILE);
        if (cert.isEmpty() || key.isEmpty()) return List.of();
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.http.ssl.certificate.files", cert.get(),
                "quarkus.http.ssl.certificate.key-files", key.get(),
                "quarkus.http.ssl-port", value(context, "quarkus.http.port").orElse("5681"),
                "quarkus.http.test-ssl-port", value(context, "quarkus.http.test-port").orElse("0"),
                "quarkus.http.insecure-requests", "disabled"), "ursa-api-tls (from " + CERT_FILE + ", " + KEY_FILE + ")", ORDINAL));
    }

    private static Optional<String> value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? Optional.empty() : Optional.of(v.getValue().strip());
    }
}
