package dev.ursa.cp.api.auth;

import dev.ursa.cp.api.ApiError;
import dev.ursa.cp.api.Formats;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
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
        send(ctx, 401, ApiError.of("Unauthenticated", details));
    }

    static void forbidden(RoutingContext ctx, String details) {
        send(ctx, 403, ApiError.of("Access denied", details));
    }

    static void unavailable(RoutingContext ctx, String details) {
        send(ctx, 503, ApiError.of("Store unavailable", details));
    }

    private static void send(RoutingContext ctx, int status, ApiError body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        Format f = Formats.ofAccept(ctx.request().getHeader(HttpHeaders.ACCEPT));
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Formats.mediaType(f))
                .end(Buffer.buffer(ResourceCodec.write(body, f)));
    }
}
