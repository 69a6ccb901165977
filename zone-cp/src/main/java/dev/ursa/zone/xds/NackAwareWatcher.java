package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps a NACK from turning into a resend loop. A SotW client NACKs by repeating the last version it accepted; the
 * snapshot cache sees a version different from its own and answers at once with the very config that was just
 * rejected. Here a NACK is treated as "has seen the current version": its watch stays open until the node's config
 * actually changes. The client keeps running on its last good config meanwhile.
 */
final class NackAwareWatcher implements ConfigWatcher {
    /** The version last sent to a node for a type URL: {@code <node id>|<type url>}. */
    interface SentVersions {
        String lastSent(String nodeId, String typeUrl);
    }

    private final ConfigWatcher delegate;
    private final SentVersions sent;

    NackAwareWatcher(ConfigWatcher delegate, SentVersions sent) {
        this.delegate = delegate;
        this.sent = sent;
    }

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames, Consumer<Response> responseConsumer,
                             boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
        if (request.hasErrorDetail()) {
            String rejected = sent.lastSent(request.v3Request().getNode().getId(), request.getTypeUrl());
            if (rejected != null) {
                request = XdsRequest.create(request.v3Request().toBuilder().setVersionInfo(rejected).build());
                knownResourceNames = Set.copyOf(request.getResourceNamesList());
                hasClusterChanged = false;
            }
        }
        return delegate.createWatch(ads, request, knownResourceNames, responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
                                       Set<String> pendingResources, boolean isWildcard, Consumer<DeltaResponse> responseConsumer,
                                       boolean hasClusterChanged) {
        return delegate.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard, responseConsumer,
                hasClusterChanged);
    }
}
