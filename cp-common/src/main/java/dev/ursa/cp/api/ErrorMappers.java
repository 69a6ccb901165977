package dev.ursa.cp.api;

import dev.ursa.cp.secrets.UndecryptableSecretException;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.concurrent.CompletionException;

/** One place that turns every refusal into Kuma's error body with the right status. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    static final String UNAVAILABLE_DETAILS = "the store is unavailable; nothing was written, retry later";

    @ServerExceptionMapper
    public Response validation(ValidationException e, HttpHeaders headers) {
        return error(400, new ApiError(e.title(), "Resource is not valid", e.violations()), headers);
    }

    @ServerExceptionMapper
    public Response refused(WriteRefusedException e, HttpHeaders headers) {
        return error(405, ApiError.of("Operation not allowed", e.getMessage()), headers);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, HttpHeaders headers) {
        return error(404, ApiError.of("Not found", e.getMessage()), headers);
    }

    @ServerExceptionMapper
    public Response store(StoreException e, HttpHeaders headers) {
        return switch (e) {
            case StoreException.NotFound nf -> error(404, ApiError.of("Could not find a resource", e.getMessage()), headers);
            case StoreException.AlreadyExists ae -> error(409, ApiError.of("Resource already exists", e.getMessage()), headers);
            case StoreException.Conflict c -> error(409, ApiError.of("Version conflict", e.getMessage()), headers);
            case StoreException.MeshNotFound mnf -> error(400, new ApiError("Resource is not valid", "Mesh not found",
                    List.of(new Violation("mesh", e.getMessage()))), headers);
            case StoreException.Unavailable u -> {
                // The cause (driver text, host names) stays in the log: a client gets a fixed text.
                LOG.warnf(e, "store unavailable: %s", e.getMessage());
                yield error(503, ApiError.of("Store unavailable", UNAVAILABLE_DETAILS), headers);
            }
            // A secret sealed with another key (or none configured): this control plane's configuration fault, not a bug and
            // not the caller's; unavailable here until the key is fixed (the key file's path stays in the log).
            case StoreException.Unreadable u when u.getCause() instanceof UndecryptableSecretException -> error(503,
                    ApiError.of("Stored secret cannot be decrypted", StoreException.describe(u.key()) + " is stored encrypted and does"
                            + " not decrypt with this control plane's ursa.secrets.encryption-key-file (see its log): every control"
                            + " plane sharing the database needs the same key"), headers);
            // The store logged the decode error once for this row version; the client learns which resource and the remedy.
            case StoreException.Unreadable u -> error(500, ApiError.of("Stored resource unreadable", StoreException.describe(u.key())
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
            case null, default -> {
                LOG.error("unexpected error", cause == null ? e : cause);
                yield error(500, ApiError.of("Internal error", "the control plane failed to handle this request; see its log"), headers);
            }
        };
    }

    static Response error(int status, ApiError body, HttpHeaders headers) {
        Format f = Formats.ofAccept(headers == null ? null : headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.status(status).type(Formats.mediaType(f)).entity(ResourceCodec.write(body, f)).build();
    }
}
