package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.Mod;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Kuma's operations on a list of named filters with a typed config, shared by the network and the HTTP filter
 * modificators (their lists differ only in the element type): add first, last, before or after the named filter
 * (nowhere when that one is absent), remove the matched filters, or patch their typed config (merged, or JSON-patched
 * as its own type). No name matches every filter.
 */
record FilterListEdit<F>(Function<F, String> nameOf, Function<F, Any> configOf, BiFunction<F, Any, F> withConfig) {

    void apply(List<F> filters, F value, Mod mod, String name) throws InvalidProtocolBufferException {
        switch (mod.operation()) {
            case "AddFirst" -> filters.addFirst(value);
            case "AddLast" -> filters.add(value);
            case "AddBefore" -> {
                int at = indexOf(filters, name);
                if (at >= 0) filters.add(at, value);
            }
            case "AddAfter" -> {
                int at = indexOf(filters, name);
                if (at >= 0) filters.add(at + 1, value);
            }
            case "Remove" -> filters.removeIf(f -> name == null || name.equals(nameOf.apply(f)));
            case "Patch" -> {
                for (int i = 0; i < filters.size(); i++) {
                    F f = filters.get(i);
                    if (name != null && !name.equals(nameOf.apply(f))) continue;
                    filters.set(i, withConfig.apply(f, patched(mod, configOf.apply(f), configOf.apply(value))));
                }
            }
            default -> throw new InvalidProtocolBufferException("invalid operation: " + mod.operation());
        }
    }

    private int indexOf(List<F> filters, String name) {
        for (int i = 0; i < filters.size(); i++) if (nameOf.apply(filters.get(i)).equals(name)) return i;
        return -1;
    }

    private static Any patched(Mod mod, Any config, Any patch) throws InvalidProtocolBufferException {
        if (mod.jsonPatches() != null && !mod.jsonPatches().isEmpty()) {
            return ProtoMerge.pack(JsonPatches.apply(ProtoMerge.unpack(config), mod.jsonPatches()));
        }
        return ProtoMerge.mergeAnys(config, patch);
    }
}
