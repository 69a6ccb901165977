package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchPolicy;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.Modification;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.render.EnvoyPatch;
import dev.ursa.zone.xds.render.PolicyPlugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * MeshProxyPatch. Envoy: each selecting policy's {@code appendModifications}, in order, on the packed resources once
 * every other plugin has run (Kuma's plugin, {@code pkg/plugins/policies/meshproxypatch/plugin/v1alpha1}): clusters and
 * listeners added, removed or patched; network filters and HTTP filters added, removed or patched in every filter
 * chain of the matched listeners; virtual hosts in the matched route configurations. Patch merges {@code value} as
 * protobuf does (a Duration replaced whole) or applies the JSON patches. The policies apply least specific first, which
 * is the order of Kuma's merged {@code appendModifications}. Unlike Kuma, where a modification that fails fails the
 * whole dataplane's config, each policy is contained by the renderer: one whose modifications fail or leave a resource
 * Envoy would refuse is left out and reported, the others apply. Proxyless gRPC: not applied (there is no Envoy config
 * to patch, and grpc-java reads only the few resources and fields of gRFC A27); {@code _policies} says so.
 */
public final class MeshProxyPatchPlugin implements PolicyPlugin {
    static final String PROXYLESS_NOTE = "not applied to proxyless gRPC dataplanes: MeshProxyPatch modifies Envoy's config, "
            + "and a gRPC client reads only the xDS resources and fields of gRFC A27 (use the other policies)";

    @Override
    public PolicyType descriptor() {
        return MeshProxyPatchPolicy.TYPE;
    }

    @Override
    public Optional<String> notApplied(Flavour flavour) {
        return flavour == Flavour.PROXYLESS ? Optional.of(PROXYLESS_NOTE) : Optional.empty();
    }

    @Override
    public Optional<EnvoyPatch> envoyPatch(PolicyMatch policy) {
        if (!(policy.spec() instanceof MeshProxyPatchSpec spec) || spec.defaults() == null || spec.defaults().appendModifications() == null) {
            return Optional.empty();
        }
        List<EnvoyPatch.Step> steps = new ArrayList<>();
        List<Modification> mods = spec.defaults().appendModifications();
        for (int i = 0; i < mods.size(); i++) {
            Modification m = mods.get(i);
            String field = "spec.default.appendModifications[" + i + "]";
            Modificator modificator = modificator(m);
            int index = i;
            steps.add(new EnvoyPatch.Step(field, resources -> {
                if (modificator == null) throw new IllegalArgumentException("invalid modification");
                try {
                    modificator.apply(resources);
                } catch (InvalidProtocolBufferException | RuntimeException e) {
                    // Kuma's words: "could not apply 1 modification: ..."
                    throw new IllegalStateException("could not apply " + index + " modification: "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
                }
            }));
        }
        return Optional.of(new EnvoyPatch(steps));
    }

    /** The modificator of the one modification set (null when none is: the validator refuses that). */
    private static Modificator modificator(Modification m) {
        if (m.cluster() != null) return new ClusterModificator(m.cluster());
        if (m.listener() != null) return new ListenerModificator(m.listener());
        if (m.networkFilter() != null) return new NetworkFilterModificator(m.networkFilter());
        if (m.httpFilter() != null) return new HttpFilterModificator(m.httpFilter());
        if (m.virtualHost() != null) return new VirtualHostModificator(m.virtualHost());
        return null;
    }
}
