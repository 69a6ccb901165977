package dev.ursa.zone.xds.auth;

import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TrustedTokens;
import dev.ursa.zone.xds.XdsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs xDS admission in the zone: the {@link XdsAuthenticator} is a {@code DiscoveryServerCallbacks} bean, which
 * the engine runs before its own callbacks (see {@code XdsProducer}), and {@link XdsStreamInterceptor} is registered on
 * the ADS service. At start it loads the trusted keys (so admission never reads the store on a
 * gRPC thread), retrying in the background while the store cannot answer (streams are refused meanwhile), and warns
 * when authentication is off.
 */
@ApplicationScoped
public class XdsAuthProducer {
    private static final Logger LOG = Logger.getLogger(XdsAuthProducer.class);

    // Before the engine starts serving (default priority), so the first streams find the keys loaded.
    void start(@Observes @Priority(1) StartupEvent event, XdsAuthenticator authenticator, TokenKeys keys, XdsConfig xds) {
        if (xds.auth() == XdsAuthMode.NONE) {
            LOG.warn("ursa.xds.auth=none: xDS clients are NOT authenticated. Anyone who reaches the xDS port is served as any dataplane"
                    + " or ingress it claims to be, and can register ZoneIngresses. For trusted lab networks only; the default is dp-token");
            return;
        }
        if (xds.allowUnregisteredClients()) {
            LOG.info("ursa.xds.allow-unregistered-clients=true: nodes without a Dataplane get a client-only view of their token's mesh");
        }
        for (TokenKind kind : new TokenKind[] {TokenKind.DATAPLANE, TokenKind.ZONE}) load(keys.trusted(kind));
    }

    private static void load(TrustedTokens tokens) {
        try {
            tokens.load();
        } catch (RuntimeException e) {
            LOG.warnf("cannot load the trusted %s token keys yet (%s): %s streams are refused until they are; retrying",
                    tokens.kind().claim(), e.getMessage(), tokens.kind() == TokenKind.ZONE ? "ingress" : "dataplane");
            CompletableFuture.runAsync(() -> load(tokens), CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
        }
    }

    void stop(@Observes ShutdownEvent event, XdsAuthenticator authenticator) throws Exception {
        authenticator.close();
    }
}
