package dev.ursa.zone.xds;

import dev.ursa.zone.xds.render.RenderFailure;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.DataplaneView;

/**
 * What the zone knows about one xDS node.
 *
 * @param streams      open xDS streams
 * @param fullRenders  recomputes of the whole config (view, listeners, routes, clusters, endpoints)
 * @param edsRenders   recomputes of endpoints only
 * @param nacks        responses the node rejected
 * @param renderFailure why its config cannot be computed now (it keeps {@code resources}, its last good one); null when fine
 */
public record NodeStatus(NodeId id, Flavour flavour, int streams, boolean selfRegistered, DataplaneView view,
                         XdsResources resources, long fullRenders, long edsRenders, long nacks, String lastNack,
                         RenderFailure renderFailure) {
}
