package dev.ursa.cp.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Set;

/**
 * Health, metrics and the other {@code /q/*} endpoints are read-only. Quarkus answers any method on them (a
 * {@code PUT /q/health} got 200), which hides client mistakes and invites probing: refuse everything but reads with
 * 405 before the request reaches them.
 */
@ApplicationScoped
public class ReadOnlyDiagnostics {
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    void install(@Observes Router router) {
        router.route("/q/*").order(Integer.MIN_VALUE).handler(ctx -> {
            if (READS.contains(ctx.request().method())) {
                ctx.next();
                return;
            }
            ctx.response().putHeader("Allow", "GET, HEAD, OPTIONS");
            ErrorMappers.send(ctx, ApiError.of(405, "Method not allowed",
                    ctx.request().method() + " is not allowed on " + ctx.normalizedPath() + "; diagnostics endpoints are read-only"));
        });
    }
}
