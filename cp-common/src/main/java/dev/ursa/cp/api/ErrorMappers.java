package dev.ursa.cp.api;

import dev.ursa.cp.secrets.UndecryptableSecretException;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * One place that turns every refusal into Kuma's error body ({@link ApiError}) with the right status: the exceptions of
 * the resource methods here, and through {@link #send} the refusals made before a resource method runs (authentication,
 * routing, HTTP limits: {@link RouterErrors}).
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    static final String UNAVAILABLE_DETAILS = "the store is unavailable; nothing was written, retry later";

    @ServerExceptionMapper
    public Response validation(ValidationException e, HttpHeaders headers) {
        return error(new ApiError(400, e.title(), "Resource is not valid", e.violations()), headers);
    }

    @ServerExceptionMapper
    public Response refused(WriteRefusedException e, HttpHeaders headers) {
        return error(ApiError.of(405, "Operation not allowed", e.getMessage()), headers);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, HttpHeaders headers) {
        return error(ApiError.of(404, "Not found", e.getMessage()), headers);
    }

    @ServerExceptionMapper
    public Response store(StoreException e, HttpHeaders headers) {
        return switch (e) {
            case StoreException.NotFound nf -> error(ApiError.of(404, "Could not find a resource", e.getMessage()), headers);
            case StoreException.AlreadyExists ae -> error(ApiError.of(409, "Resource already exists", e.getMessage()), headers);
            case StoreException.Conflict c -> error(ApiError.of(409, "Version conflict", e.getMessage()), headers);
            case StoreException.MeshNotFound mnf -> error(new ApiError(400, "Resource is not valid", "Mesh not found",
                    List.of(new Violation("mesh", e.getMessage()))), headers);
            case StoreException.Unavailable u -> {
                // The cause (driver text, host names) stays in the log: a client gets a fixed text.
                LOG.warnf(e, "store unavailable: %s", e.getMessage());
                yield error(ApiError.of(503, "Store unavailable", UNAVAILABLE_DETAILS), headers);
            }
            // A secret sealed with another key (or none configured): this control plane's configuration fault, not a bug and
            // not the caller's; unavailable here until the key is fixed (the key file's path stays in the log).
            case StoreException.Unreadable u when u.getCause() instanceof UndecryptableSecretException -> error(
                    ApiError.of(503, "Stored secret cannot be decrypted", StoreException.describe(u.key()) + " is stored encrypted and does"
                            + " not decrypt with this control plane's ursa.secrets.encryption-key-file (see its log): every control"
                            + " plane sharing the database needs the same key"), headers);
            // The store logged the decode error once for this row version; the client learns which resource and the remedy.
            case StoreException.Unreadable u -> error(ApiError.of(500, "Stored resource unreadable", StoreException.describe(u.key())
                    + " is stored but this control plane cannot read it (see its log); a PUT of a valid document replaces it,"
                    + " a DELETE removes it"), headers);
        };
    }

    @ServerExceptionMapper
    public Response completion(CompletionException e, HttpHeaders headers) {
        Throwable cause = e.getCause();
        return switch (cause) {
            case ValidationException v -> validation(v, headers);
            case WriteRefusedException w -> refused(w, headers);
            case NotFoundException n -> notFound(n, headers);
            case StoreException s -> store(s, headers);
            case WebApplicationException w -> http(w, headers, null);
            case null, default -> unexpected(cause == null ? e : cause, headers);
        };
    }

    /**
     * What RESTEasy refuses before a resource method runs (an unknown path under a resource, a method the path does not
     * take, a Content-Type or Accept it cannot serve), in the same body as everything else.
     */
    @ServerExceptionMapper
    public Response http(WebApplicationException e, HttpHeaders headers, HttpServerRequest request) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) return unexpected(e, headers);
        String where = request == null ? "" : request.method() + " " + request.path();
        return error(ApiError.of(status, RouterErrors.title(status), RouterErrors.describe(status, where, e.getMessage())), headers);
    }

    /** A bug: logged with its stack, the caller told no more than that. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpHeaders headers) {
        LOG.error("unexpected error", e);
        return error(internal(), headers);
    }

    static ApiError internal() {
        return ApiError.of(500, "Internal error", "the control plane failed to handle this request; see its log");
    }

    /** The error body as a response, JSON or YAML as the caller accepts (for resource methods that answer refusals themselves). */
    public static Response error(ApiError body, HttpHeaders headers) {
        Format f = Formats.ofAccept(headers == null ? null : headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.status(body.status()).type(Formats.mediaType(f)).entity(ResourceCodec.write(body, f)).build();
    }

    /** The same body for a refusal made on the Vert.x router, before RESTEasy (JSON, or YAML when the caller accepts it). */
    public static void send(RoutingContext ctx, ApiError body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        Format f = Formats.ofAccept(ctx.request().getHeader(HttpHeaders.ACCEPT));
        ctx.response().setStatusCode(body.status()).putHeader(HttpHeaders.CONTENT_TYPE, Formats.mediaType(f))
                .end(Buffer.buffer(ResourceCodec.write(body, f)));
    }
}
