package dev.ursa.zone.xds.render;

import dev.ursa.mesh.matching.PolicyMatch;
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

    /**
     * Why this type has no effect on a dataplane of {@code flavour} (its method there is a no-op on purpose), or empty
     * when it applies. Shown as {@code notApplied} in a dataplane's {@code _policies}, so nothing is silently ignored.
     */
    default Optional<String> notApplied(Flavour flavour) {
        return Optional.empty();
    }

    default void applyEnvoy(ProxyConfig config, PolicyRules rules) {
    }

    default void applyProxyless(ProxyConfig config, PolicyRules rules) {
    }

    /**
     * What {@code policy} (one that selects the dataplane) edits in the packed Envoy resources once every plugin has
     * run (MeshProxyPatch); empty for the plugins that only edit the {@link ProxyConfig}. Envoy flavour only. The
     * renderer applies each policy's edit on its own, least specific policy first, and contains its failure.
     */
    default Optional<EnvoyPatch> envoyPatch(PolicyMatch policy) {
        return Optional.empty();
    }
}
