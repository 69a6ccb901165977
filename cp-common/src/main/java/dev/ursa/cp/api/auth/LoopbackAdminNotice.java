package dev.ursa.cp.api.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Set;

/**
 * Says at start how the admin API authenticates. {@code ursa.api.localhost-is-admin} while the API listens beyond
 * loopback is a lab convenience (every local user and every same-host proxy is admin): a WARN names the switch.
 */
@ApplicationScoped
public class LoopbackAdminNotice {
    private static final Logger LOG = Logger.getLogger(LoopbackAdminNotice.class);
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    void log(@Observes StartupEvent event, ApiAuthConfig config, @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String host) {
        if (!config.localhostIsAdmin()) {
            LOG.info("admin API: every caller needs a user token (ursa.api.localhost-is-admin=false)");
        } else if (LOOPBACK_HOSTS.contains(host.strip())) {
            LOG.infof("admin API on %s (loopback only): callers without a token are admin (ursa.api.localhost-is-admin=true)", host);
        } else {
            LOG.warnf("ursa.api.localhost-is-admin=true while the admin API listens on %s: callers from this host's loopback are admin "
                    + "without a token (remote callers need one). Set it to false on a shared host or behind a reverse proxy on this host; "
                    + "see docs/security.md", host);
        }
    }
}
