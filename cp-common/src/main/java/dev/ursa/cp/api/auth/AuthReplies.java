package dev.ursa.cp.api.auth;

import dev.ursa.cp.api.ApiError;
import dev.ursa.cp.api.ErrorMappers;
import io.vertx.ext.web.RoutingContext;

/**
 * The refusals of the authentication filter, in the admin API's usual error body (JSON, or YAML when the caller
 * accepts it). A 401 carries {@code WWW-Authenticate: Bearer} (RFC 6750). Bodies name the reason, never the token.
 */
final class AuthReplies {
    static final String REALM = "Bearer realm=\"ursa\"";

    private AuthReplies() {
    }

    static void unauthenticated(RoutingContext ctx, String details, boolean invalidToken) {
        ctx.response().putHeader("WWW-Authenticate", invalidToken ? REALM + ", error=\"invalid_token\"" : REALM);
        ErrorMappers.send(ctx, ApiError.of(401, "Unauthenticated", details));
    }

    static void forbidden(RoutingContext ctx, String details) {
        ErrorMappers.send(ctx, ApiError.of(403, "Access denied", details));
    }

    static void unavailable(RoutingContext ctx, String details) {
        ErrorMappers.send(ctx, ApiError.of(503, "Store unavailable", details));
    }
}
