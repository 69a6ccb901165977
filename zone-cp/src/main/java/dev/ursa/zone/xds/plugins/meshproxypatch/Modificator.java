package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.ursa.mesh.envoy.EnvoyJson;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.Mod;
import dev.ursa.zone.xds.render.EnvoyResourceSet;

import java.util.function.Supplier;

/** One modification of a MeshProxyPatch applied to the packed resources (Kuma's {@code modificator}). */
interface Modificator {
    /** @throws InvalidProtocolBufferException when a value or a patch does not fit the resource it is applied to */
    void apply(EnvoyResourceSet resources) throws InvalidProtocolBufferException;

    /** The modification's {@code value} as its Envoy type (an empty message when there is none, as in Kuma). */
    @SuppressWarnings("unchecked")
    static <M extends Message> M value(Mod mod, Supplier<Message.Builder> type) throws InvalidProtocolBufferException {
        Message.Builder b = type.get();
        if (mod.value() != null) EnvoyJson.mergeYaml(mod.value(), b);
        return (M) b.build();
    }

    /** Patches by JSON patches when there are any, else merges {@code value} (Kuma: jsonPatches win). */
    @SuppressWarnings("unchecked")
    static <M extends Message> M patch(M resource, Mod mod, M value) throws InvalidProtocolBufferException {
        if (mod.jsonPatches() != null && !mod.jsonPatches().isEmpty()) return JsonPatches.apply(resource, mod.jsonPatches());
        Message.Builder b = resource.toBuilder();
        ProtoMerge.merge(b, value);
        return (M) b.build();
    }
}
