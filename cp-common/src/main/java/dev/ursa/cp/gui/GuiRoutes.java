package dev.ursa.cp.gui;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The web GUI's routes besides its static files ({@code META-INF/resources/gui/}, served by Quarkus): {@code /gui}
 * redirects to {@code /gui/} (the REST API's {@code /{plural}} would answer it otherwise), and every GUI file carries a
 * Content-Security-Policy that allows only this origin's scripts, styles and API, so nothing is loaded from elsewhere
 * and nothing injected into a page runs. The pages hold no data: the script reads the admin API with the user's
 * credentials (loopback admin or a user token kept in the browser session).
 */
@ApplicationScoped
public class GuiRoutes {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    void install(@Observes Router router) {
        // Vert.x's "/gui" also matches "/gui/": redirect only the path without the slash
        router.route(HttpMethod.GET, "/gui").order(Integer.MIN_VALUE + 2).handler(ctx -> {
            if (ctx.normalizedPath().equals("/gui")) ctx.redirect("/gui/");
            else ctx.next();
        });
        router.route("/gui/*").order(Integer.MIN_VALUE + 3).handler(GuiRoutes::headers);
    }

    private static void headers(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache");
        ctx.next();
    }
}
