package dev.ursa.cp.diagnostics;

import dev.ursa.cp.api.ApiError;
import dev.ursa.cp.api.ErrorMappers;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The diagnostics port ({@code ursa.diagnostics.port}, 5680): health ({@code /q/health}, {@code /q/health/live},
 * {@code /q/health/ready}, {@code /q/health/started}) and Prometheus metrics ({@code /q/metrics}) for probes and
 * scrapers, without credentials, and nothing else: any method but GET/HEAD gets 405, any other path 404. The same
 * endpoints stay on the admin port, so existing probes keep working. A server of its own on Quarkus' Vert.x (Quarkus'
 * management interface would move {@code /q/*} off the admin port). Started at boot; a port in use fails the start.
 * Handlers run on the event loop and hand the checks and the scrape to a worker.
 */
@ApplicationScoped
public class DiagnosticsServer {
    private static final Logger LOG = Logger.getLogger(DiagnosticsServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final DiagnosticsConfig config;
    private final Vertx vertx;
    private final SmallRyeHealthReporter health;
    private final Instance<PrometheusMeterRegistry> prometheus;
    private volatile HttpServer server;

    public DiagnosticsServer(DiagnosticsConfig config, Vertx vertx, SmallRyeHealthReporter health, Instance<PrometheusMeterRegistry> prometheus) {
        this.config = config;
        this.vertx = vertx;
        this.health = health;
        this.prometheus = prometheus;
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (!config.enabled()) {
            LOG.info("diagnostics port disabled (ursa.diagnostics.enabled=false): health and metrics only on the admin port");
            return;
        }
        Router router = Router.router(vertx);
        router.route().order(-1).handler(DiagnosticsServer::readOnly);
        Map<String, Supplier<SmallRyeHealth>> checks = Map.of(
                "/q/health", health::getHealth,
                "/q/health/live", health::getLiveness,
                "/q/health/ready", health::getReadiness,
                "/q/health/started", health::getStartup);
        checks.forEach((path, check) -> router.route(path).handler(ctx -> health(ctx, check)));
        router.route("/q/metrics").handler(this::metrics);
        router.route().handler(ctx -> ErrorMappers.send(ctx, ApiError.of(404, "Not found",
                ctx.normalizedPath() + " is not served here; the diagnostics port serves /q/health[/live|/ready|/started] and /q/metrics")));
        HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())).requestHandler(router);
        try {
            server = s.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on the diagnostics port " + config.host() + ":" + config.port()
                    + " (ursa.diagnostics.port; 0 = any free port): " + e.getMessage(), e);
        }
        LOG.infof("diagnostics port %s:%d: health and metrics, read-only, no credentials", config.host(), server.actualPort());
    }

    void stop(@Observes ShutdownEvent event) {
        HttpServer s = server;
        if (s != null) s.close();
    }

    /** The port bound (differs from the configured one when that is 0); -1 when not listening. */
    public int port() {
        HttpServer s = server;
        return s == null ? -1 : s.actualPort();
    }

    private static void readOnly(RoutingContext ctx) {
        HttpMethod m = ctx.request().method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
            ctx.next();
            return;
        }
        ctx.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
        ErrorMappers.send(ctx, ApiError.of(405, "Method not allowed", m + " is not allowed on " + ctx.normalizedPath() + "; the diagnostics port is read-only"));
    }

    private void health(RoutingContext ctx, Supplier<SmallRyeHealth> check) {
        blocking(ctx, () -> {
            SmallRyeHealth h = check.get();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            health.reportHealth(out, h);
            return new Reply(h.isDown() ? 503 : 200, "application/json; charset=UTF-8", out.toByteArray());
        });
    }

    private void metrics(RoutingContext ctx) {
        if (!prometheus.isResolvable()) {
            ErrorMappers.send(ctx, ApiError.of(404, "Not found", "metrics are disabled in this build"));
            return;
        }
        blocking(ctx, () -> new Reply(200, PROMETHEUS_TEXT, prometheus.get().scrape().getBytes(StandardCharsets.UTF_8)));
    }

    private record Reply(int status, String contentType, byte[] body) {
    }

    private void blocking(RoutingContext ctx, Callable<Reply> work) {
        vertx.executeBlocking(work, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warnf(ar.cause(), "diagnostics request %s failed", ctx.normalizedPath());
                ErrorMappers.send(ctx, ApiError.of(503, "Unavailable", "the diagnostics could not be computed; see the control plane's log"));
                return;
            }
            Reply r = ar.result();
            ctx.response().setStatusCode(r.status()).putHeader(HttpHeaders.CONTENT_TYPE, r.contentType()).end(Buffer.buffer(r.body()));
        });
    }
}
