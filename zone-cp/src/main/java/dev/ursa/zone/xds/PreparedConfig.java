package dev.ursa.zone.xds;

import dev.ursa.zone.xds.render.RenderFailure;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.DataplaneView;
import io.envoyproxy.controlplane.cache.v3.Snapshot;

/**
 * View, config and snapshot for one view key in one mesh generation, shared by every node with that key; or the
 * failure to compute them ({@code failure} set, the rest null), kept like a result. Immutable.
 */
record PreparedConfig(DataplaneView view, XdsResources resources, Snapshot snapshot, RenderFailure failure) {
}
