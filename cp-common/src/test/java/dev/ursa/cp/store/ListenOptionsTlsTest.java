package dev.ursa.cp.store;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The LISTEN connection of the change feed is opened with the datasource's TLS settings, as Quarkus maps them onto its
 * pool. (No TLS Postgres here: this checks the options handed to the connection.)
 */
class ListenOptionsTlsTest {
    static final String URL = "quarkus.datasource.reactive.url";

    @Test
    void withoutTlsSettingsTheConnectionIsPlainAsThePoolsIs() {
        PgConnectOptions options = listen(Map.of(URL, "postgresql://db.example:5433/ursa"));

        assertThat(options.getSslMode()).isEqualTo(SslMode.DISABLE);
        assertThat(options.isTrustAll()).isFalse();
        assertThat(options.getTrustOptions()).isNull();
        assertThat(options.getKeyCertOptions()).isNull();
        assertThat(options.getHostnameVerificationAlgorithm()).isEmpty();
        assertThat(options.getHost()).isEqualTo("db.example");
        assertThat(options.getPort()).isEqualTo(5433);
    }

    @Test
    void sslModeTrustedCertificatesAndHostNameVerificationAreCarried() {
        PgConnectOptions options = listen(Map.of(
                URL, "postgresql://db.example:5432/ursa",
                "quarkus.datasource.reactive.postgresql.ssl-mode", "verify-full",
                "quarkus.datasource.reactive.trust-certificate-pem.certs", "/etc/ursa/ca.pem,/etc/ursa/ca-next.pem",
                "quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS"));

        assertThat(options.getSslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(options.getTrustOptions()).isInstanceOfSatisfying(PemTrustOptions.class,
                pem -> assertThat(pem.getCertPaths()).containsExactly("/etc/ursa/ca.pem", "/etc/ursa/ca-next.pem"));
        assertThat(options.getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(options.isTrustAll()).isFalse();
    }

    @Test
    void trustAllIsCarried() {
        PgConnectOptions options = listen(Map.of(URL, "postgresql://db.example/ursa",
                "quarkus.datasource.reactive.postgresql.ssl-mode", "require",
                "quarkus.datasource.reactive.trust-all", "true"));

        assertThat(options.getSslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(options.isTrustAll()).isTrue();
    }

    @Test
    void theSslmodeOfTheUrlIsCarriedAndTheSslModeKeyOverridesIt() {
        assertThat(listen(Map.of(URL, "postgresql://db.example/ursa?sslmode=require")).getSslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(listen(Map.of(URL, "postgresql://db.example/ursa?sslmode=require",
                "quarkus.datasource.reactive.postgresql.ssl-mode", "VERIFY_CA")).getSslMode()).isEqualTo(SslMode.VERIFY_CA);
    }

    @Test
    void clientCertificatesAndKeyStoresAreCarried() {
        PgConnectOptions pem = listen(Map.of(URL, "postgresql://db.example/ursa",
                "quarkus.datasource.reactive.key-certificate-pem", "true",
                "quarkus.datasource.reactive.key-certificate-pem.keys", "/etc/ursa/client.key",
                "quarkus.datasource.reactive.key-certificate-pem.certs", "/etc/ursa/client.crt"));
        assertThat(pem.getKeyCertOptions()).isInstanceOfSatisfying(PemKeyCertOptions.class, k -> {
            assertThat(k.getKeyPaths()).containsExactly("/etc/ursa/client.key");
            assertThat(k.getCertPaths()).containsExactly("/etc/ursa/client.crt");
        });

        PgConnectOptions stores = listen(Map.of(URL, "postgresql://db.example/ursa",
                "quarkus.datasource.reactive.trust-certificate-jks", "true",
                "quarkus.datasource.reactive.trust-certificate-jks.path", "/etc/ursa/trust.jks",
                "quarkus.datasource.reactive.trust-certificate-jks.password", "changeit",
                "quarkus.datasource.reactive.key-certificate-pfx", "true",
                "quarkus.datasource.reactive.key-certificate-pfx.path", "/etc/ursa/client.p12"));
        assertThat(stores.getTrustOptions()).isInstanceOfSatisfying(JksOptions.class, j -> {
            assertThat(j.getPath()).isEqualTo("/etc/ursa/trust.jks");
            assertThat(j.getPassword()).isEqualTo("changeit");
        });
        assertThat(stores.getKeyCertOptions()).isInstanceOfSatisfying(PfxOptions.class, p -> assertThat(p.getPath()).isEqualTo("/etc/ursa/client.p12"));
    }

    @Test
    void verifyFullWithoutAHostNameCheckIsRefusedAsQuarkusRefusesItForThePool() {
        assertThatThrownBy(() -> listen(Map.of(URL, "postgresql://db.example/ursa?sslmode=verify-full")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hostname-verification-algorithm");
    }

    private static PgConnectOptions listen(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("quarkus.datasource.username", "ursa");
        Config config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(all, "test", 500)).build();
        PgConnectOptions options = StoreProducer.listenOptions(config);
        assertThat(options.getUser()).isEqualTo("ursa");
        return options;
    }
}
