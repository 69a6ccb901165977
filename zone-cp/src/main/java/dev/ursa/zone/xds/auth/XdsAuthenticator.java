package dev.ursa.zone.xds.auth;

import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TrustedTokens;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.zone.ZoneConfig;
import dev.ursa.zone.ingress.IngressNode;
import dev.ursa.zone.xds.NodeId;
import dev.ursa.zone.xds.XdsConfig;
import dev.ursa.zone.xds.XdsEngine;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;

/**
 * xDS admission at the zone: the first discovery callback of the ADS server (before the engine and the ingress
 * registry hear of a stream), so a refused stream leaves no trace. On the first request of every stream (SotW and
 * delta) the node must present a token that allows it ({@link DataplaneAdmission}, {@link IngressAdmission}); a refusal
 * closes the stream with a gRPC status naming the reason. Admitted streams are closed later when their token expires
 * or is revoked ({@link LiveStreams}). With {@code ursa.xds.auth=none} every stream is let in.
 *
 * <p>A CDI bean of the highest priority: the engine runs extra callback beans highest priority first
 * ({@code XdsProducer}), so other callback beans only see admitted nodes.
 *
 * <p>Threads: callbacks run on gRPC threads, one request of a stream at a time, and never block; timers run on this
 * authenticator's own thread.
 */
@Singleton
@Priority(Integer.MAX_VALUE)
public final class XdsAuthenticator implements DiscoveryServerCallbacks, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(XdsAuthenticator.class);
    /** Node metadata key a proxyless client puts its dataplane token in (its bootstrap cannot set gRPC headers). */
    public static final String TOKEN_METADATA_KEY = DataplaneAdmission.TOKEN_METADATA_KEY;

    private final XdsAuthMode mode;
    private final DataplaneAdmission dataplanes;
    private final IngressAdmission ingresses;
    private final LiveStreams live;
    private final MeterRegistry meters;
    private final ScheduledThreadPoolExecutor timer = timer();

    /** The zone's: its config, the token kinds it trusts, and the Dataplanes the engine holds (looked up on first use). */
    @Inject
    public XdsAuthenticator(ZoneConfig zone, XdsConfig xds, TokenKeys keys, ResourceStore store, MeterRegistry meters, Instance<XdsEngine> engine) {
        // The engine is built with this authenticator among its callbacks: it is looked up on first use, not now.
        this(zone.name(), xds.auth(), keys.trusted(TokenKind.DATAPLANE), keys.trusted(TokenKind.ZONE), id -> engine.get().registeredDataplane(id),
                store, xds.selfRegistrationGrace(), meters);
    }

    /**
     * @param dataplaneTokens the dataplane tokens this zone trusts (its own and the global's)
     * @param zoneTokens      the zone tokens this zone trusts (its own and the global's), for ingresses
     * @param registered      the Dataplane the engine has for a node (its mirror of the store), for the tags check
     * @param grace           how long an ingress name stays bound to its identity after its last stream closed
     */
    public XdsAuthenticator(String zone, XdsAuthMode mode, TrustedTokens dataplaneTokens, TrustedTokens zoneTokens,
                            Function<NodeId, Optional<Resource>> registered, ResourceStore store, Duration grace, MeterRegistry meters) {
        this.mode = mode;
        this.meters = meters;
        IngressOwners owners = new IngressOwners(grace, timer);
        this.dataplanes = new DataplaneAdmission(dataplaneTokens, registered);
        this.ingresses = new IngressAdmission(zone, zoneTokens, owners);
        this.live = new LiveStreams(Map.of(TokenKind.DATAPLANE, dataplaneTokens, TokenKind.ZONE, zoneTokens), owners, store, timer, meters);
        meters.gauge("ursa_xds_auth_streams", live, LiveStreams::size);
    }

    /** One thread; a cancelled timer (a stream closed before its token's expiry, a year away) leaves the queue at once. */
    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("ursa-xds-auth").factory());
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    public XdsAuthMode mode() {
        return mode;
    }

    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
        check(streamId, request.getNode());
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
        check(streamId, request.getNode());
    }

    @Override
    public void onStreamClose(long streamId, String typeUrl) {
        live.closed(streamId);
    }

    @Override
    public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
        live.closed(streamId);
    }

    /**
     * Admits a call of the workload certificate service as {@code node}'s xDS stream would be admitted: the dataplane
     * token of the current call (it passed {@link XdsStreamInterceptor}) must allow the node and the Dataplane it is
     * served as. With {@code ursa.xds.auth=none} everyone is let in.
     */
    public void admitWorkload(Node node) throws RequestException {
        if (mode == XdsAuthMode.NONE) return;
        XdsStream stream = XdsStream.current();
        if (stream == null) {
            LOG.errorf("certificate request of node %s did not pass the xDS stream interceptor: refused", node.getId());
            throw Credentials.refuse(Status.Code.INTERNAL, "authentication is not available on this server");
        }
        try {
            dataplanes.admit(node, stream);
        } catch (RequestException e) {
            Counter.builder("ursa_xds_auth_refused").tag("code", e.getStatus().getCode().name())
                    .description("xDS streams refused at admission").register(meters).increment();
            LOG.warnf("refused certificate request of node %s: %s %s", node.getId(), e.getStatus().getCode(), e.getStatus().getDescription());
            throw e;
        }
    }

    private void check(long streamId, Node node) throws RequestException {
        if (mode == XdsAuthMode.NONE) return;
        XdsStream stream = XdsStream.current();
        if (stream == null) {
            LOG.errorf("xDS stream of node %s did not pass the xDS stream interceptor: refused (authentication cannot run)", node.getId());
            throw Credentials.refuse(Status.Code.INTERNAL, "xDS authentication is not available on this server");
        }
        Status closed = stream.closedWith();
        if (closed != null) throw Credentials.refuse(closed.getCode(), closed.getDescription()); // a late request of a closed stream
        if (live.admitted(streamId)) return;
        Admission admission;
        try {
            admission = IngressNode.isIngress(node) ? ingresses.admit(node, stream, streamId) : dataplanes.admit(node, stream);
        } catch (RequestException e) {
            stream.refused(e.getStatus());
            Counter.builder("ursa_xds_auth_refused").tag("code", e.getStatus().getCode().name())
                    .description("xDS streams refused at admission").register(meters).increment();
            LOG.warnf("refused xDS node %s: %s %s", node.getId(), e.getStatus().getCode(), e.getStatus().getDescription());
            throw e;
        }
        live.admit(streamId, stream, admission);
        LOG.debugf("admitted xDS node %s with %s", node.getId(), admission.describe());
    }

    @Override
    public void close() throws Exception {
        live.close();
        timer.shutdownNow();
    }
}
