package dev.ursa.zone.xds.render;

import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.zone.xds.Flavour;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The zone's policy plugins, keyed by their policy type's descriptor and run in the descriptors' order. Immutable:
 * the app uses the built-in ones ({@code plugins.Plugins#builtIn()}); a test that declares a policy type of its own
 * renders with a copy that has its plugin too ({@link #with}), so nothing shared changes.
 */
public final class PolicyPlugins {
    private final List<PolicyPlugin> inOrder;

    private PolicyPlugins(List<PolicyPlugin> inOrder) {
        this.inOrder = inOrder;
    }

    /** @throws IllegalArgumentException when two plugins apply one policy type, or two types have one order */
    public static PolicyPlugins of(List<PolicyPlugin> plugins) {
        Set<ResourceType> types = new HashSet<>();
        Set<Integer> orders = new HashSet<>();
        for (PolicyPlugin p : plugins) {
            if (!types.add(p.type())) throw new IllegalArgumentException("two plugins for " + p.type().name());
            if (!orders.add(p.descriptor().order())) {
                throw new IllegalArgumentException("two plugins run at order " + p.descriptor().order() + " (" + p.type().name() + ")");
            }
        }
        return new PolicyPlugins(plugins.stream().sorted(Comparator.comparingInt(p -> p.descriptor().order())).toList());
    }

    /** A copy with one more plugin. */
    public PolicyPlugins with(PolicyPlugin plugin) {
        List<PolicyPlugin> more = new ArrayList<>(inOrder);
        more.add(plugin);
        return of(more);
    }

    /** The plugins in the order they run. */
    public List<PolicyPlugin> inOrder() {
        return inOrder;
    }

    /** Why {@code type} has no effect in {@code flavour} ({@link PolicyPlugin#notApplied}); empty when it applies or has no plugin. */
    public Optional<String> notApplied(ResourceType type, Flavour flavour) {
        return inOrder.stream().filter(p -> p.type().equals(type)).findFirst().flatMap(p -> p.notApplied(flavour));
    }

    /** The descriptors of the types that have a plugin, in plugin order. */
    public List<PolicyType> descriptors() {
        return inOrder.stream().map(PolicyPlugin::descriptor).toList();
    }

    /** The policy types that have a plugin, in plugin order. */
    public List<ResourceType> types() {
        return inOrder.stream().map(PolicyPlugin::type).toList();
    }
}
