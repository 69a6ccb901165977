package dev.ursa.zone.xds;

import dev.ursa.mesh.matching.MatchInput;
import dev.ursa.mesh.matching.PolicyMatcher;
import dev.ursa.mesh.model.Resource;
import dev.ursa.zone.xds.MeshChange.PolicyChange;
import dev.ursa.zone.xds.mtls.MeshTrust;
import dev.ursa.zone.xds.mtls.Sds;
import dev.ursa.zone.xds.mtls.WorkloadCertificate;
import dev.ursa.zone.xds.mtls.WorkloadCertificates;
import dev.ursa.zone.xds.mtls.WorkloadIdentity;
import dev.ursa.zone.xds.render.PatchFailure;
import dev.ursa.zone.xds.render.RenderFailure;
import dev.ursa.zone.xds.render.Renderer;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.ViewBuilder;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Computes each dataplane node's config and puts it in the snapshot cache. A change of a mesh recomputes only the
 * nodes it touches: the Mesh or the service catalog (which services exist, their protocols) re-renders every node of
 * the mesh; a policy re-renders the nodes its old or new version selects; a Dataplane re-renders its own node and only
 * the endpoints (EDS) of nodes that use one of its services. Views and configs are shared between nodes of equal inputs
 * (per mesh generation, and across generations through the {@link RenderMemo}s); versions are content hashes per type
 * per node. A render that fails leaves the node on its last good config (containment).
 *
 * <p>Threads: called only on the xDS worker (it writes the nodes' state); the memos and mesh generations it reads are
 * thread-safe.
 */
final class NodeConfigs {
    private static final Logger LOG = Logger.getLogger(NodeConfigs.class);
    private static final XdsResources EMPTY = new XdsResources(List.of(), "empty", List.of(), "empty", List.of(), "empty", Set.of(), List.of(), "empty");

    private final Renderer renderer;
    private final Function<String, MeshState> meshes;
    private final boolean allowUnregisteredClients;
    private final DataplaneInsights insights;
    private final SimpleCache<String> cache;
    private final MeterRegistry meters;
    private final RenderMemo<RenderKey, XdsResources> renders;
    private final RenderMemo<String, Snapshot> snapshots;
    /**
     * One instance per distinct view key: nodes of equal content hold the same key object, so the per-change lookup of
     * each node's prepared config is an identity match, not a deep comparison of dataplane specs.
     */
    private final RenderMemo<ViewKey, ViewKey> viewKeys;
    private final Counter fullRenders;
    private final Counter edsRenders;
    private final WorkloadCertificates certificates;
    private final CertificateTimer certificateTimer;

    /** Calls {@link #renderFull} for a node again at a given time (to renew its certificate), replacing an earlier call. */
    @FunctionalInterface
    interface CertificateTimer {
        void recheckAt(DataplaneNode node, Instant at);
    }

    /** @param meshes the current generation of a mesh by name (null when not mirrored) */
    NodeConfigs(Renderer renderer, Function<String, MeshState> meshes, boolean allowUnregisteredClients, DataplaneInsights insights,
                SimpleCache<String> cache, MeterRegistry meters, WorkloadCertificates certificates, CertificateTimer certificateTimer) {
        this.renderer = renderer;
        this.certificates = certificates;
        this.certificateTimer = certificateTimer;
        this.meshes = meshes;
        this.allowUnregisteredClients = allowUnregisteredClients;
        this.insights = insights;
        this.cache = cache;
        this.meters = meters;
        // Bounded by entries: a render or snapshot is a few KB to a few hundred KB, so 10 000 stays well inside a zone's heap.
        this.renders = RenderMemo.bounded("renders", 10_000, meters);
        this.snapshots = RenderMemo.bounded("snapshots", 10_000, meters);
        this.viewKeys = RenderMemo.bounded("view_keys", 50_000, meters);
        this.fullRenders = Counter.builder("ursa_xds_renders").tag("kind", "full").description("dataplane configs recomputed").register(meters);
        this.edsRenders = Counter.builder("ursa_xds_renders").tag("kind", "endpoints").description("dataplane endpoints recomputed").register(meters);
    }

    /** Recomputes what {@code change} touches among {@code inMesh}, the nodes of its mesh. */
    void meshChanged(MeshChange change, List<DataplaneNode> inMesh) {
        if (change.reloaded() || !change.after().index.catalog().equals(change.before().index.catalog())) {
            inMesh.forEach(this::renderFull);
            return;
        }
        Set<String> changedServices = change.after().index.changedServices(change.before().index);
        // Nodes with equal view keys match policies alike, unless a changed policy selects dataplanes by name: then
        // the name (left out of the key) matters and each node is matched on its own.
        boolean byKey = change.policies().stream().noneMatch(p -> namesDataplanes(p.before()) || namesDataplanes(p.after()));
        Map<ViewKey, Boolean> selectedByKey = new HashMap<>();
        for (DataplaneNode st : inMesh) {
            boolean full = change.dataplanes().contains(st.id.name()) || (!change.dataplanes().isEmpty() && destinationSide(st)) || (byKey && st.viewKey() != null
                    ? selectedByKey.computeIfAbsent(st.viewKey(), k -> change.policies().stream().anyMatch(p -> selects(st, p)))
                    : change.policies().stream().anyMatch(p -> selects(st, p)));
            if (full) {
                renderFull(st);
            } else if (st.resources != null && st.resources.edsClusters().stream().anyMatch(r -> changedServices.contains(r.service()))) {
                renderEndpoints(st);
            }
        }
    }

    /** A proxyless client that applies its destinations' policies ({@link ViewBuilder#DESTINATION_SIDE}): any dataplane change may alter them. */
    private static boolean destinationSide(DataplaneNode st) {
        return st.flavour == Flavour.PROXYLESS && st.view != null
                && ViewBuilder.DESTINATION_SIDE.stream().anyMatch(t -> !st.view.rules(t).destinations().isEmpty());
    }

    private static boolean namesDataplanes(Resource policy) {
        return policy != null && MeshState.namesDataplanes(policy);
    }

    /** Whether the old or the new version of a policy selects the node. */
    private static boolean selects(DataplaneNode st, PolicyChange change) {
        if (st.view == null) return true;
        // A proxyless client applies these on behalf of the services it calls, whoever the policy selects.
        if (st.flavour == Flavour.PROXYLESS && ViewBuilder.DESTINATION_SIDE.contains((change.after() != null ? change.after() : change.before()).type())) {
            return true;
        }
        List<Resource> versions = new ArrayList<>();
        if (change.before() != null) versions.add(change.before());
        if (change.after() != null) versions.add(change.after());
        try {
            return !PolicyMatcher.matchingPolicies(MatchInput.of(st.view.dataplane()), versions).isEmpty();
        } catch (RuntimeException e) {
            return true; // re-render: the render then records the failure against this node
        }
    }

    /** Recomputes the node's whole config (view, listeners, routes, clusters, endpoints). */
    void renderFull(DataplaneNode st) {
        MeshState ms = meshes.apply(st.id.mesh());
        if (ms == null) {
            setSnapshot(st, null, null, null, NodeSecrets.NONE);
            return;
        }
        Resource dp = ms.inputs.dataplanes().get(st.id.name());
        if (dp == null && st.selfRegistration != null) dp = st.selfRegistration;
        boolean registered = dp != null;
        if (!registered && !allowUnregisteredClients) {
            setSnapshot(st, null, null, null, NodeSecrets.NONE);
            return;
        }
        Resource effective = registered ? dp : st.clientOnly();
        ViewKey key = st.viewKey(effective, registered, ms.policiesNameDataplanes(), k -> viewKeys.get(k, same -> same));
        // Once per key and mesh generation: a thousand identical clients cost one lookup each, not one render each.
        PreparedConfig prepared = ms.prepared.computeIfAbsent(key, k -> prepare(ms, st, effective, registered, k));
        if (prepared.failure() != null) {
            renderFailed(st, prepared.failure());
            return;
        }
        DataplaneView shared = prepared.view();
        DataplaneView view = shared.id().equals(st.id) ? shared
                : new DataplaneView(st.id, shared.flavour(), effective, registered, shared.inbounds(), shared.outbounds(), shared.policies(), shared.mtls());
        NodeSecrets secrets;
        try {
            secrets = secrets(st, ms, view);
        } catch (RuntimeException e) {
            renderFailed(st, RenderFailure.of(e, effective, Instant.now()));
            return;
        }
        renderRecovered(st);
        st.fullRenders++;
        fullRenders.increment();
        setSnapshot(st, view, prepared.resources(), prepared.snapshot(), secrets);
        patchFailures(st, prepared.resources().patchFailures());
    }

    /**
     * Policies the renderer left out of the node's config because their edit of it failed ({@code PatchFailure}; the
     * node got the rest): logged with the policy and the node, and counted, once when they appear, not on every
     * recompute; {@code _policies} shows them.
     */
    private void patchFailures(DataplaneNode st, List<PatchFailure> now) {
        for (PatchFailure f : now) {
            if (st.patchFailures.contains(f)) continue;
            renderErrors(st.id.mesh(), f.type(), f.policy()).increment();
            LOG.warnf("%s %s is left out of the xDS config of %s: %s (%s); the dataplane gets its config without it", f.type(), f.policy(),
                    st.id, f.message(), f.field());
        }
        for (PatchFailure f : st.patchFailures) {
            if (!now.contains(f)) LOG.infof("%s %s no longer fails on %s", f.type(), f.policy(), st.id);
        }
        st.patchFailures = now;
    }

    private Counter renderErrors(String mesh, String type, String names) {
        return Counter.builder("ursa_xds_render_errors")
                .description("dataplane configs that could not be computed (the node keeps its last good one), and policies left out of one")
                .tag("mesh", mesh).tag("type", type).tag("name", names).register(meters);
    }

    /**
     * The node's SDS secrets: none without mTLS; else its certificate (issued or renewed when due) and the mesh's CAs.
     * Fails when the mesh's CA cannot be used, so the node keeps its last good config.
     */
    private NodeSecrets secrets(DataplaneNode st, MeshState ms, DataplaneView view) {
        if (view.mtls() == null || view.flavour() != Flavour.ENVOY) {
            st.certificate = null;
            return NodeSecrets.NONE;
        }
        MeshTrust trust = switch (ms.trust) {
            case MeshTrust.Ready ready -> ready.trust();
            case MeshTrust.Unavailable u -> throw new IllegalStateException(u.reason());
            case MeshTrust.Off off -> throw new IllegalStateException("mTLS of mesh " + st.id.mesh() + " is being turned on");
        };
        List<String> uris = WorkloadIdentity.uris(st.id.mesh(), view.spec());
        if (uris.isEmpty()) {
            throw new IllegalStateException("mesh " + st.id.mesh() + " has mTLS on and this dataplane has no service (kuma.io/service) to name its certificate");
        }
        WorkloadCertificate cert = certificates.current(st.certificate, uris, trust);
        if (cert != st.certificate) {
            st.certificateRegenerations++; // as Kuma: every issue counts, the first one too
            st.certificateIssuedAt = Instant.now();
            st.certificateBackend = trust.backend();
            insights.changed(st, false);
        }
        st.certificate = cert;
        certificateTimer.recheckAt(st, certificates.nextCheck(cert, trust));
        return new NodeSecrets(Sds.secrets(cert, trust), Sds.version(cert, trust));
    }

    /** A node's SDS secrets and their version ("" for none). */
    record NodeSecrets(List<Secret> secrets, String version) {
        static final NodeSecrets NONE = new NodeSecrets(List.of(), "");
    }

    /**
     * View, config and snapshot for a view key in a mesh generation; shared by every node with that key. A failure is
     * kept like a result, so a thousand nodes of a key that cannot render cost one attempt per mesh generation.
     */
    private PreparedConfig prepare(MeshState ms, DataplaneNode st, Resource dp, boolean registered, ViewKey key) {
        try {
            DataplaneView view = ms.views.computeIfAbsent(key, k -> ViewBuilder.build(st.id, st.flavour, dp, registered, ms.inputs, ms.index, ms.destinations));
            XdsResources res = renders.get(RenderKey.of(view), k -> renderer.render(view, ms.index));
            MeshState.Eds eds = ms.eds(res.edsClusters());
            res = res.withEndpoints(eds.assignments(), eds.version());
            return new PreparedConfig(view, res, snapshot(res), null);
        } catch (RuntimeException e) {
            return new PreparedConfig(null, null, null, RenderFailure.of(e, dp, Instant.now()));
        }
    }

    /** Recomputes only the node's endpoints (EDS), keeping its listeners, routes and clusters. */
    private void renderEndpoints(DataplaneNode st) {
        MeshState ms = meshes.apply(st.id.mesh());
        if (ms == null || st.resources == null) return;
        XdsResources res;
        try {
            MeshState.Eds eds = ms.eds(st.resources.edsClusters());
            res = st.resources.withEndpoints(eds.assignments(), eds.version());
        } catch (RuntimeException e) {
            Resource dp = ms.inputs.dataplanes().getOrDefault(st.id.name(), st.view == null ? st.clientOnly() : st.view.dataplane());
            renderFailed(st, RenderFailure.of(e, dp, Instant.now()));
            return;
        }
        st.edsRenders++;
        edsRenders.increment();
        setSnapshot(st, st.view, res, null, st.secrets);
    }

    /**
     * The node keeps the config it has (its last good one, or none yet); the failure is logged once, counted, and shown
     * in its status and {@code _config}. Other nodes are not affected: each key renders on its own.
     */
    private void renderFailed(DataplaneNode st, RenderFailure failure) {
        renderErrors(st.id.mesh(), failure.type(), failure.names()).increment();
        if (!failure.sameAs(st.renderFailure)) {
            String kept = st.resources == null ? "none yet" : "listeners " + st.resources.listenersVersion();
            LOG.warnf("xDS config of %s cannot be computed because of %s %s: %s; it keeps its last good config (%s)", st.id, failure.type(),
                    failure.resources(), failure.message(), kept);
            st.renderFailure = failure;
            insights.changed(st, true);
        }
    }

    private void renderRecovered(DataplaneNode st) {
        if (st.renderFailure == null) return;
        LOG.infof("xDS config of %s computes again (it failed because of %s %s)", st.id, st.renderFailure.type(), st.renderFailure.resources());
        st.renderFailure = null;
        insights.changed(st, true);
    }

    /**
     * {@code snapshot} may be null: it is then looked up (or built) from the resources' versions. {@code secrets} are
     * the node's own; the rest is shared with nodes of equal content.
     */
    private void setSnapshot(DataplaneNode st, DataplaneView view, XdsResources res, Snapshot snapshot, NodeSecrets secrets) {
        if (res == null) res = EMPTY;
        XdsResources before = st.resources;
        NodeSecrets secretsBefore = st.secrets;
        st.view = view;
        st.resources = res;
        st.secrets = secrets;
        if (before != null && before.listenersVersion().equals(res.listenersVersion()) && before.routesVersion().equals(res.routesVersion())
                && before.clustersVersion().equals(res.clustersVersion()) && before.endpointsVersion().equals(res.endpointsVersion())
                && secrets.version().equals(secretsBefore.version())) {
            return;
        }
        cache.setSnapshot(st.id.toString(), NodeSnapshot.of(snapshot != null ? snapshot : snapshot(res), secrets.secrets(), secrets.version()));
    }

    /** Snapshot.create hashes every resource; nodes with equal content share one immutable snapshot. */
    private Snapshot snapshot(XdsResources r) {
        String key = r.listenersVersion() + r.routesVersion() + r.clustersVersion() + r.endpointsVersion();
        return snapshots.get(key, k -> Snapshot.create(r.clusters(), r.clustersVersion(), r.endpoints(), r.endpointsVersion(), r.listeners(),
                r.listenersVersion(), r.routes(), r.routesVersion(), List.of(), ""));
    }
}
