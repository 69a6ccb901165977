package dev.ursa.zone.xds.render;

import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.view.PolicyRules;

import java.util.Optional;

/**
 * Applies one policy type to a dataplane's configuration, registered by the type's descriptor ({@link PolicyPlugins}).
 * Called only when at least one policy of the type selects the dataplane, once per render, in the flavour the renderer
 * picked: {@link #applyEnvoy} for an Envoy sidecar, {@link #applyProxyless} for a proxyless gRPC client. What a
 * proxyless client cannot honour is left out of its method (and said in docs/dataplanes.md) rather than sent and
 * NACKed; a flavour the policy means nothing to keeps the no-op default.
 */
public interface PolicyPlugin {
    /** The descriptor of the policy type this plugin applies; its order is where the plugin runs. */
    PolicyType descriptor();

    default ResourceType type() {
        return descriptor().type();
    }

    default void applyEnvoy(ProxyConfig config, PolicyRules rules) {
    }

    default void applyProxyless(ProxyConfig config, PolicyRules rules) {
    }

    /**
     * Why a dataplane of {@code flavour} gets nothing of this policy type, when that is so (e.g. grpc-java has no
     * access logging from xDS). {@code GET .../dataplanes/{name}/_policies} lists it under the policy's
     * {@code notApplied}, so an accepted policy is never silently ignored. Empty: the flavour applies it.
     */
    default Optional<String> notAppliedOn(Flavour flavour) {
        return Optional.empty();
    }
}
