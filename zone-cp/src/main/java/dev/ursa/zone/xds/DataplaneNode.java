package dev.ursa.zone.xds;

import dev.ursa.mesh.model.Resource;
import dev.ursa.zone.xds.mtls.WorkloadCertificate;
import dev.ursa.zone.xds.render.PatchFailure;
import dev.ursa.zone.xds.render.RenderFailure;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.ViewBuilder;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.UnaryOperator;

/**
 * What the zone holds for one connected dataplane node: its view and config as last pushed, and its counters.
 *
 * <p>Threads: touched only on the xDS worker (the thread of the node sessions that hold it).
 */
final class DataplaneNode {
    final NodeId id;
    final Flavour flavour;
    Resource selfRegistration;
    DataplaneView view;
    XdsResources resources;
    long fullRenders;
    long edsRenders;
    long nacks;
    String lastNack;
    RenderFailure renderFailure;
    /** The policies left out of its config as last pushed (their edit of it failed; see NodeConfigs). */
    List<PatchFailure> patchFailures = List.of();
    /** Its certificate (mTLS meshes only): in memory only, re-issued on renewal or a CA switch. */
    WorkloadCertificate certificate;
    /** When its certificate was last (re-)issued, how often, and by which mTLS backend (its DataplaneInsight's mTLS). */
    Instant certificateIssuedAt;
    long certificateRegenerations;
    String certificateBackend;
    /** Its xDS streams as its DataplaneInsight reports them. */
    final XdsSubscriptions subscriptions = new XdsSubscriptions();
    /** Its SDS secrets as last pushed. */
    NodeConfigs.NodeSecrets secrets = NodeConfigs.NodeSecrets.NONE;
    /** The pending certificate recheck and its time, if any (cancelled when the node goes). */
    ScheduledFuture<?> certificateCheck;
    Instant certificateCheckAt;
    /** The view key and the Dataplane and naming it was computed for (recomputed only when either changes). */
    private ViewKey viewKey;
    private Resource viewKeyDataplane;
    private boolean viewKeyNamed;
    private Resource clientOnly;

    DataplaneNode(NodeId id, Flavour flavour) {
        this.id = id;
        this.flavour = flavour;
    }

    /** The Dataplane standing for this node when it has none (built once). */
    Resource clientOnly() {
        if (clientOnly == null) clientOnly = ViewBuilder.clientOnly(id);
        return clientOnly;
    }

    /** The key last computed, null before the first full render. */
    ViewKey viewKey() {
        return viewKey;
    }

    ViewKey viewKey(Resource dp, boolean registered, boolean named, UnaryOperator<ViewKey> canonical) {
        if (viewKey == null || viewKeyDataplane != dp || viewKeyNamed != named || viewKey.registered() != registered) {
            viewKey = canonical.apply(ViewKey.of(flavour, dp, named ? id.name() : "", registered));
            viewKeyDataplane = dp;
            viewKeyNamed = named;
        }
        return viewKey;
    }

    NodeStatus status(int streams) {
        return new NodeStatus(id, flavour, streams, selfRegistration != null, view, resources, fullRenders, edsRenders, nacks, lastNack,
                renderFailure);
    }
}
