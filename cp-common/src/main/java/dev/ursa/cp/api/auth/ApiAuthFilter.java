package dev.ursa.cp.api.auth;

import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.mesh.store.StoreException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Authenticates and authorises every request on the admin port, REST resources and {@code /q/*} alike, before any
 * handler sees it: a user token ({@code Authorization: Bearer}) when one is sent, else the loopback admin rule, else
 * nothing (only {@link AccessRules}' open paths). The established {@link Caller} is put on the routing context for
 * {@link CurrentCaller}. Runs on the event loop; token verification (which may read the store) runs on a worker.
 */
@ApplicationScoped
public class ApiAuthFilter {
    private static final Logger LOG = Logger.getLogger(ApiAuthFilter.class);
    /** Right after {@code ReadOnlyDiagnostics} (which refuses writes to {@code /q/*} with 405), before everything else. */
    static final int ORDER = Integer.MIN_VALUE + 1;
    static final String CALLER_KEY = Caller.class.getName();

    private final UserTokens tokens;
    private final boolean localhostIsAdmin;

    public ApiAuthFilter(UserTokens tokens, ApiAuthConfig config) {
        this.tokens = tokens;
        this.localhostIsAdmin = config.localhostIsAdmin();
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Access needed = AccessRules.required(request.method().name(), ctx.normalizedPath());
        if (needed == Access.OPEN) {
            proceed(ctx, Caller.ANONYMOUS, needed);
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            // The TCP peer, never a forwarded header: a proxy's X-Forwarded-For cannot make a caller local.
            if (localhostIsAdmin && Loopback.isLoopback(request.connection().remoteAddress())) {
                proceed(ctx, Caller.LOCALHOST, needed);
            } else {
                refuse(ctx, "no credentials: send \"Authorization: Bearer <user token>\"", false);
            }
            return;
        }
        Optional<String> token = Bearer.token(header);
        if (token.isEmpty()) {
            refuse(ctx, "the Authorization header is not \"Bearer <user token>\"", true);
            return;
        }
        ctx.vertx().executeBlocking(() -> tokens.authenticate(token.get()), false).onComplete(ar -> {
            if (ar.succeeded()) {
                proceed(ctx, ar.result(), needed);
            } else if (ar.cause() instanceof InvalidTokenException e) {
                refuse(ctx, e.getMessage(), true);
            } else {
                // Fail closed: a token that cannot be checked authenticates nobody.
                if (ar.cause() instanceof StoreException.Unavailable) LOG.warnf("cannot verify a user token: %s", ar.cause().getMessage());
                else LOG.error("cannot verify a user token", ar.cause());
                AuthReplies.unavailable(ctx, "cannot verify the user token now (the store is unavailable); retry later");
            }
        });
    }

    private void proceed(RoutingContext ctx, Caller caller, Access needed) {
        if (!needed.allows(caller)) {
            LOG.debugf("403 %s %s for %s", ctx.request().method(), ctx.normalizedPath(), caller.describe());
            AuthReplies.forbidden(ctx, "user \"" + caller.name() + "\" (" + (caller.groups().isEmpty() ? "no known group" : "groups " + String.join(", ", caller.groups())) + ") may not "
                    + ctx.request().method() + " " + ctx.normalizedPath() + ": it needs group " + needed.neededGroup());
            return;
        }
        ctx.put(CALLER_KEY, caller);
        ctx.next();
    }

    private static void refuse(RoutingContext ctx, String reason, boolean invalidToken) {
        LOG.debugf("401 %s %s from %s: %s", ctx.request().method(), ctx.normalizedPath(), ctx.request().connection().remoteAddress(), reason);
        AuthReplies.unauthenticated(ctx, reason, invalidToken);
    }
}
