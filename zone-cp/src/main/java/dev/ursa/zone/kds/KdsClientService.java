package dev.ursa.zone.kds;

import dev.ursa.cp.leader.LeaderTask;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.cp.store.StoreConfig;
import dev.ursa.cp.store.StoreWait;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.peer.Backoff;
import dev.ursa.sync.peer.KdsZoneClient;
import dev.ursa.zone.ZoneConfig;
import dev.ursa.zone.xds.DataplaneInspection;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A federated zone's KDS client ({@code ursa.zone.global-address} set): restores the last synced state (memory store
 * with a data directory), dials the global and keeps both streams up, and saves what it syncs. The zone is ready
 * after its first full sync, or at once when it restored a snapshot (it has policies to serve) or is standalone. On
 * KDS's Inspect stream it answers the global's questions about its dataplanes ({@link KdsInspector}).
 *
 * <p>Replicas: zone CP replicas sharing a Postgres database hold one set of streams between them: only the elected
 * leader dials; it starts a new client at each gain of leadership and closes it at the loss. The others serve xDS from
 * the same database, where the leader writes what it syncs.
 */
@Startup
@ApplicationScoped
public class KdsClientService {
    private static final Logger LOG = Logger.getLogger(KdsClientService.class);
    private static final Duration SAVE_DELAY = Duration.ofMillis(200);

    private final ZoneConfig config;
    private final StoreConfig storeConfig;
    private final ResourceStore store;
    private final String version;
    private final DataplaneInspection inspection;
    private final Leadership replicas;
    private LeaderTask streams;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicBoolean savePending = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("kds-client-", 0).factory());
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean explaining = new AtomicBoolean();
    /** The operator's next step for the current failure (see {@link #lastFailure()}); null when there is none. */
    private volatile String hint;
    private KdsDial dial;
    private ManagedChannel channel;
    private volatile ResourceIndex local;
    private volatile KdsZoneClient client;
    private volatile boolean stopping;
    private SyncSnapshot snapshot;
    private AutoCloseable snapshotFeed;

    public KdsClientService(ZoneConfig config, StoreConfig storeConfig, ResourceStore store,
                            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
                            DataplaneInspection inspection, Leadership replicas) {
        this.inspection = inspection;
        this.replicas = replicas;
        this.config = config;
        this.storeConfig = storeConfig;
        this.store = store;
        this.version = version;
    }

    @PostConstruct
    void start() throws Exception {
        if (config.globalAddress().isEmpty()) {
            ready.set(true);
            return;
        }
        dial = KdsDial.of(config.globalAddress().get(), config.kds());
        if (storeConfig.type() == StoreConfig.Type.MEMORY && config.dataDir().isPresent()) {
            snapshot = new SyncSnapshot(store, Path.of(config.dataDir().get()));
            if (snapshot.restore() > 0) ready.set(true);
            snapshotFeed = store.changes().subscribe(e -> {
                if (KdsTypes.byTypeUrl(KdsTypes.TYPE_URL_PREFIX + e.key().type()).filter(t -> KdsTypes.globalToZone().contains(t)).isPresent()) {
                    scheduleSave();
                }
            });
        } else if (storeConfig.type() == StoreConfig.Type.MEMORY) {
            LOG.warn("ursa.zone.data-dir is not set: what this zone syncs from the global is lost on restart");
        } else {
            ready.set(true); // Postgres keeps the last synced state; it is served as soon as the store is reachable
        }

        channel = dial.channel();
        Channel authenticated = ClientInterceptors.intercept(channel, new Credentials());

        Thread.ofPlatform().daemon().name("kds-client-start").start(() -> startClient(authenticated));
        LOG.infof("zone %s dialling the global at %s (%s)", config.name(), dial.address(), dial.describe());
    }

    /** Indexes the zone's own resources and dials; waits for the store first (a Postgres zone may start before its database). */
    private void startClient(Channel authenticated) {
        try {
            if (!StoreWait.untilDone("KDS client", () -> stopping, () -> local = new ResourceIndex(store, KdsTypes.zoneToGlobal(),
                    r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL)), config.kds().resyncInterval()).start())) {
                return;
            }
        } catch (Exception e) {
            LOG.error("KDS client cannot index the zone's resources", e);
            return;
        }
        synchronized (this) {
            if (stopping) return;
            // Connected (TCP and TLS) on every replica: a follower that takes over only opens its streams.
            channel.getState(true);
            streams = LeaderTask.run(replicas, "KDS streams to the global", term -> startStreams(authenticated));
        }
    }

    /** (leader) A new client on the channel; closing it ends its streams (leadership lost, or the zone CP stops). */
    private synchronized AutoCloseable startStreams(Channel authenticated) {
        if (stopping) return () -> { };
        KdsZoneClient.Settings settings = KdsZoneClient.Settings.of(timer, workers)
                .withBackoff(new Backoff(config.kds().backoffMin(), config.kds().backoffMax(), new SecureRandom()))
                .withBatchWindow(config.kds().batchWindow());
        KdsZoneClient started = new KdsZoneClient(authenticated, local, StoreSink.fromGlobal(store), settings, new KdsZoneClient.Events() {
            @Override
            public void connecting(int attempt) {
                // ursa.zone.kds.backoff-* paces reconnects: without this, a stream opened while the channel is in
                // gRPC's own connect backoff (1 s growing to 120 s) fails at once with the old error and no dial,
                // so a zone found a healed partition up to minutes late (docs/reliability.md, scenario a)
                if (attempt > 1) channel.resetConnectBackoff();
            }

            @Override
            public void synced(Duration took) {
                connected.set(true);
                hint = null;
                if (ready.compareAndSet(false, true)) LOG.infof("first full sync with the global done in %d ms", took.toMillis());
                scheduleSave();
            }

            @Override
            public void disconnected(Status status, Duration retryIn) {
                connected.set(false);
                explainLater(status);
            }
        }, new KdsInspector(inspection));
        client = started;
        started.start();
        return () -> {
            synchronized (this) {
                if (client == started) client = null;
                connected.set(false);
            }
            started.close();
        };
    }

    /** Attaches the zone token (re-read from the file at every call, so rotation needs no restart) and the zone name. */
    private final class Credentials implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    headers.put(KdsGrpc.ZONE, config.name());
                    headers.put(KdsGrpc.CP_VERSION, version);
                    token().ifPresent(t -> headers.put(KdsGrpc.AUTHORIZATION, "Bearer " + t));
                    super.start(listener, headers);
                }
            };
        }
    }

    private Optional<String> token() {
        if (config.token().isPresent()) return config.token().map(String::trim);
        if (config.tokenFile().isPresent()) {
            try {
                return Optional.of(Files.readString(Path.of(config.tokenFile().get())).trim());
            } catch (Exception e) {
                LOG.warnf("cannot read ursa.zone.token-file %s: %s", config.tokenFile().get(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    private void scheduleSave() {
        if (snapshot == null || !savePending.compareAndSet(false, true)) return;
        timer.schedule(() -> {
            savePending.set(false);
            try {
                snapshot.save();
            } catch (Exception e) {
                LOG.warnf("cannot write the KDS snapshot %s: %s", snapshot.file(), e.getMessage());
            }
        }, SAVE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ready: synced once, restored a snapshot, uses Postgres, or standalone. */
    public boolean ready() {
        return ready.get();
    }

    /** Whether this replica holds the zone's streams to the global (it leads; a standalone zone holds none). */
    public boolean holdsStreams() {
        return client != null;
    }

    /** Whether the streams to the global are up and synced right now (on this replica). */
    public boolean connected() {
        return connected.get();
    }

    /**
     * Why the last connection to the global ended or failed (TLS and token problems included), while not connected;
     * led by the operator's next step when the failure says it (e.g. a plaintext dial to a TLS global).
     */
    public Optional<String> lastFailure() {
        KdsZoneClient c = client;
        if (c == null || connected.get()) return Optional.empty();
        String next = hint;
        return c.lastFailure().map(f -> next == null ? f : next + " (" + f + ")");
    }

    /** Works out the next step for a failed dial on a worker (a plaintext dial may need a TLS probe), one at a time. */
    private void explainLater(Status status) {
        if (!explaining.compareAndSet(false, true)) return;
        workers.execute(() -> {
            try {
                String next = dial.hint(status, TlsProbe.handshake(Duration.ofSeconds(2))).orElse(null);
                if (next != null && !next.equals(hint)) LOG.errorf("cannot connect to the global at %s: %s", dial.address(), next);
                hint = next;
            } finally {
                explaining.set(false);
            }
        });
    }

    /** Drops the connection and reconnects after the backoff (operators; tests simulate partitions with it). */
    public void reconnect() {
        if (client != null) client.reconnect();
    }

    @PreDestroy
    void stop() throws Exception {
        synchronized (this) {
            stopping = true;
        }
        if (streams != null) streams.close();
        if (local != null) local.close();
        if (snapshotFeed != null) snapshotFeed.close();
        if (snapshot != null && savePending.get()) snapshot.save();
        if (channel != null) channel.shutdownNow();
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
