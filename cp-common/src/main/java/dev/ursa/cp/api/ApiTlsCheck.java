package dev.ursa.cp.api;

import dev.ursa.cp.api.auth.ApiAuthConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Refuses to start with half a TLS configuration for the admin port, and says which scheme the admin API speaks. */
@ApplicationScoped
public class ApiTlsCheck {
    private static final Logger LOG = Logger.getLogger(ApiTlsCheck.class);

    void check(@Observes StartupEvent event, ApiAuthConfig config) {
        ApiAuthConfig.Tls tls = config.tls();
        boolean cert = tls.certFile().filter(s -> !s.isBlank()).isPresent();
        boolean key = tls.keyFile().filter(s -> !s.isBlank()).isPresent();
        if (cert != key) {
            throw new IllegalStateException(ApiTlsActivation.CERT_FILE + " and " + ApiTlsActivation.KEY_FILE
                    + " go together: set both (HTTPS on the admin port) or neither (plain HTTP)");
        }
        if (cert) LOG.infof("admin API speaks HTTPS only (certificate %s)", tls.certFile().orElseThrow());
    }
}
