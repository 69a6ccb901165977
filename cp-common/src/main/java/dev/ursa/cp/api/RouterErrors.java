package dev.ursa.cp.api;

import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.Optional;

/**
 * The refusals Vert.x makes on its own, before RESTEasy sees the request (a path no route takes, a URL that does not
 * decode, a body over {@code quarkus.http.limits.max-body-size}, a failure of a route handler), answered with the API's
 * error body ({@link ErrorMappers#send}) instead of Vert.x's HTML page or an empty body.
 */
@ApplicationScoped
public class RouterErrors {
    private static final Logger LOG = Logger.getLogger(RouterErrors.class);
    private static final int[] HANDLED = {400, 404, 405, 406, 413, 414, 415, 431, 500};
    /** A body over the limit but at most this long is read away after the 413; a longer one gets the connection closed. */
    static final long DRAINED_AT_MOST = 16L * 1024 * 1024;

    private final Optional<Long> maxBody;

    public RouterErrors(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<String> maxBody) {
        this.maxBody = maxBody.map(s -> new MemorySizeConverter().convert(s).asLongValue());
    }

    void install(@Observes Router router) {
        for (int status : HANDLED) {
            router.errorHandler(status, ctx -> refuse(ctx, status));
        }
        // Quarkus' own check (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT) answers 413 with no body: make the same check just
        // before it, with the body. Bodies without a Content-Length are still cut by Quarkus' check while they are read.
        maxBody.ifPresent(limit -> router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(ctx -> tooLarge(ctx, limit)));
    }

    private static void tooLarge(RoutingContext ctx, long limit) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared = length == null ? -1 : declaredLength(length);
        if (declared <= limit) {
            ctx.next();
            return;
        }
        ApiError refusal = ApiError.of(413, title(413), "the body is " + length + " bytes; this control plane takes at most "
                + limit + " (quarkus.http.limits.max-body-size)");
        HttpServerRequest request = ctx.request();
        if (declared > DRAINED_AT_MOST) {
            // Not worth reading: answer and close (a client still writing may see the connection reset instead).
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close").endHandler(v -> request.connection().close());
            ErrorMappers.send(ctx, refusal);
            return;
        }
        // Answer now and read the rest of the body away, keeping nothing (as a web server's lingering close): a client that
        // writes its whole body before it reads the answer (most Java clients) then gets the 413, not a reset connection.
        request.handler(chunk -> { }).resume();
        ErrorMappers.send(ctx, refusal);
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // Vert.x refuses the request itself
        }
    }

    private static void refuse(RoutingContext ctx, int status) {
        if (status >= 500) {
            LOG.error("unexpected error on " + ctx.request().method() + " " + ctx.request().path(), ctx.failure());
            ErrorMappers.send(ctx, ErrorMappers.internal());
            return;
        }
        String cause = ctx.failure() == null ? null : ctx.failure().getMessage();
        ErrorMappers.send(ctx, ApiError.of(status, title(status), describe(status, ctx.request().method() + " " + ctx.request().path(), cause)));
    }

    /** The title of an HTTP-level refusal: its reason phrase, in sentence case as the API's other titles. */
    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 413 -> "Request body too large";
            case 414 -> "URI too long";
            case 415 -> "Unsupported media type";
            case 431 -> "Request headers too large";
            default -> "HTTP " + status;
        };
    }

    /** What went wrong with {@code where} ("GET /path"), for a refusal that has no message of Ursa's own. */
    static String describe(int status, String where, String cause) {
        return switch (status) {
            case 404 -> where + ": no such path in this API; see GET /_resources for the resource collections";
            case 405 -> where + ": the path does not take this method";
            case 406 -> where + ": the response can only be " + Formats.JSON_TYPE + " (or " + Formats.YAML_TYPE + " for resources)";
            case 415 -> where + ": this path does not take a body of this Content-Type";
            default -> {
                // RESTEasy's own messages ("HTTP 400 Bad Request") add nothing to the status.
                boolean useful = cause != null && !cause.isBlank() && !cause.toLowerCase(Locale.ROOT).startsWith("http ");
                yield useful ? where + ": " + cause : where;
            }
        };
    }
}
