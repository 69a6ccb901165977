package dev.ursa.global.kds;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A {@link KdsConfig} for plain unit tests, with the TLS settings under test. */
record FakeKdsConfig(boolean tlsEnabled, Optional<String> certFile, Optional<String> keyFile, Optional<String> oldCertFile,
                     Optional<String> oldKeyFile, List<String> hostnames) implements KdsConfig {
    static FakeKdsConfig defaults() {
        return new FakeKdsConfig(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    @Override
    public int port() {
        return 0;
    }

    @Override
    public Auth auth() {
        return Auth.token;
    }

    @Override
    public Duration inspectTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public int inspectMaxInFlight() {
        return 32;
    }

    @Override
    public Tls tls() {
        return new Tls() {
            @Override
            public boolean enabled() {
                return tlsEnabled;
            }

            @Override
            public Optional<String> certFile() {
                return certFile;
            }

            @Override
            public Optional<String> keyFile() {
                return keyFile;
            }

            @Override
            public Optional<List<String>> hostnames() {
                return hostnames.isEmpty() ? Optional.empty() : Optional.of(hostnames);
            }
        };
    }

    @Override
    public Optional<String> tlsCertFile() {
        return oldCertFile;
    }

    @Override
    public Optional<String> tlsKeyFile() {
        return oldKeyFile;
    }

    @Override
    public Duration batchWindow() {
        return Duration.ofMillis(20);
    }

    @Override
    public int maxResponseBytes() {
        return 1 << 20;
    }

    @Override
    public Duration keepaliveTime() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration keepaliveTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration insightInterval() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Duration resyncInterval() {
        return Duration.ofMinutes(5);
    }
}
