package dev.ursa.global.kds;

import dev.ursa.cp.leader.LeaderConfig;
import dev.ursa.cp.leader.LeaderTask;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.cp.store.StoreWait;
import dev.ursa.global.tokens.ZoneTokenService;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.peer.KdsServerHandler;
import dev.ursa.sync.peer.ZoneInspections;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import dev.ursa.global.events.ZoneConnectivityChanged;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.event.Event;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The global's KDS gRPC server, on its own port ({@code ursa.kds.port}, default 5685): a plain grpc-java Netty
 * server, so keepalive (dead peers are dropped within keepalive-time + keepalive-timeout, 20 s by default), TLS and
 * message limits are set here and nowhere else. The index of global resources is loaded before the port opens, so a
 * zone never resumes against a half-loaded global (which would look like deletions).
 */
@Startup
@ApplicationScoped
public class KdsServer {
    private static final Logger LOG = Logger.getLogger(KdsServer.class);

    private final ResourceStore store;
    private final KdsConfig config;
    private final ZoneTokenService tokens;
    private final KdsTls tls;
    private final MeterRegistry metrics;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("kds-timer-", 0).factory());
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.CompletableFuture<Server> started = new java.util.concurrent.CompletableFuture<>();
    private volatile boolean stopping;
    private volatile ResourceIndex index;
    private volatile KdsServerHandler handler;
    private volatile Server server;
    private volatile ZoneStreamGuard guard;

    private final Event<ZoneConnectivityChanged> connectivity;
    private final Leadership leadership;
    private final LeaderConfig leaderConfig;
    private volatile LeaderTask reaper;

    public KdsServer(ResourceStore store, KdsConfig config, ZoneTokenService tokens, KdsTls tls, MeterRegistry metrics,
                     Event<ZoneConnectivityChanged> connectivity, Leadership leadership, LeaderConfig leaderConfig) {
        this.leadership = leadership;
        this.leaderConfig = leaderConfig;
        this.store = store;
        this.config = config;
        this.tokens = tokens;
        this.tls = tls;
        this.metrics = metrics;
        this.connectivity = connectivity;
    }

    /**
     * Starts in the background: the port opens once the store answers (a global whose database is down still starts,
     * not ready, and opens KDS when the database is back).
     */
    @PostConstruct
    void startInBackground() {
        Thread.ofPlatform().daemon().name("kds-start").start(() -> {
            try {
                boolean done = StoreWait.untilDone("KDS", () -> stopping, () -> {
                    try {
                        start();
                    } catch (StoreException e) {
                        if (index != null) index.close();
                        throw e;
                    }
                });
                if (done) started.complete(server);
            } catch (Exception e) {
                LOG.error("KDS server failed to start", e);
                started.completeExceptionally(e);
            }
        });
    }

    private void start() throws IOException {
        tokens.ring().ring(); // the signing keys must be readable before zones can authenticate
        tokens.revocations().current();
        SslContext ssl = tls.enabled() ? tls.serverContext() : null;
        index = new ResourceIndex(store, KdsTypes.globalToZone(), r -> true, config.resyncInterval()).start();
        ZoneInsights insights = new ZoneInsights(store, metrics, timer, config.insightInterval(), Clock.systemUTC(),
                leadership.instanceId(), connectivity::fire);
        // One sink per zone for the server's lifetime: its content-version cache makes a reconnecting zone's resume
        // cost no re-hashing of everything the zone published.
        Map<String, StoreSink> sinks = new ConcurrentHashMap<>();
        handler = new KdsServerHandler(index, zone -> sinks.computeIfAbsent(zone, z -> StoreSink.fromZone(store, z)), timer, workers, Clock.systemUTC(),
                new KdsServerHandler.Settings(config.batchWindow(), config.maxResponseBytes()), insights);
        ZoneDeletions deletions = new ZoneDeletions(store, Clock.systemUTC());
        KdsAuthInterceptor auth = new KdsAuthInterceptor(config.auth(), tls.enabled(), tokens, new ZoneAdmission(store, deletions), Clock.systemUTC());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.port()))
                .addService(ServerInterceptors.intercept(KdsGrpc.service(handler), auth))
                .keepAliveTime(config.keepaliveTime().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(config.keepaliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(4 * 1024 * 1024 + 64 * 1024);
        if (ssl != null) {
            builder.sslContext(ssl);
        } else {
            LOG.warn("KDS TLS is OFF (ursa.kds.tls.enabled=false): zone tokens and all synced resources travel in clear. "
                    + "Use only on a trusted lab network.");
        }
        if (config.auth() == KdsConfig.Auth.none) {
            LOG.warn("KDS authentication is OFF (ursa.kds.auth=none): any peer can act as any zone. Use only for local runs.");
        }
        server = builder.build().start();
        guard = new ZoneStreamGuard(store, handler, deletions, insights, workers).start();
        // Subscriptions of stopped replicas (this one's previous run included) are closed by the leader.
        reaper = LeaderTask.run(leadership, "zone insights of stopped replicas",
                term -> new ZoneInsightReaper(store, leadership, term, Clock.systemUTC()).start(leaderConfig.leaseDuration()));
        tokens.onRevocations(guard::revoked);
        LOG.infof("KDS listening on port %d (%s, auth %s), %d global resources indexed", server.getPort(), tls.describe(), config.auth(), index.size());
    }

    /** The port KDS listens on (useful when configured as 0); waits up to 30 s for the server to start. */
    public int port() {
        try {
            return started.get(30, TimeUnit.SECONDS).getPort();
        } catch (Exception e) {
            throw new IllegalStateException("KDS server not started: " + e.getMessage(), e);
        }
    }

    public boolean running() {
        return started.isDone() && !started.isCompletedExceptionally();
    }

    public List<KdsServerHandler.Stream> openStreams() {
        return handler == null ? List.of() : handler.openStreams();
    }

    /** Questions to zones over their KDS Inspect streams; empty until the server has started. */
    public Optional<ZoneInspections> inspections() {
        return handler == null ? Optional.empty() : Optional.of(handler.inspections());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debugf("closing %s: %s", c, e.getMessage());
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        if (server != null) {
            server.shutdown();
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) server.shutdownNow();
        }
        if (reaper != null) closeQuietly(reaper);
        if (guard != null) closeQuietly(guard);
        if (index != null) index.close();
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
