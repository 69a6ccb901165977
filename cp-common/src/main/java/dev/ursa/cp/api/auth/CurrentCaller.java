package dev.ursa.cp.api.auth;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;

/**
 * The {@link Caller} of the admin API request being handled, for resources (audit logs, {@code GET /who-am-i}).
 * Request-scoped: inject it anywhere a request is active.
 */
@RequestScoped
public class CurrentCaller {
    private final CurrentVertxRequest request;

    public CurrentCaller(CurrentVertxRequest request) {
        this.request = request;
    }

    /** The caller {@link ApiAuthFilter} established; anonymous outside an admin API request. */
    public Caller get() {
        RoutingContext ctx = request.getCurrent();
        Caller caller = ctx == null ? null : ctx.get(ApiAuthFilter.CALLER_KEY);
        return caller != null ? caller : Caller.ANONYMOUS;
    }
}
