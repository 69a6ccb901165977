package dev.ursa.zone.xds.render;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.zone.xds.view.PolicyRules;

/**
 * Applies one policy type to a dataplane's configuration. Called only when at least one policy of the type selects the
 * dataplane. A plugin decides per flavour what it can express; what a proxyless client cannot honour is left out (and
 * said in docs/dataplanes.md) rather than sent and NACKed.
 */
public interface PolicyPlugin {
    ResourceType type();

    void apply(ProxyConfig config, PolicyRules rules);
}
