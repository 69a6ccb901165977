package dev.ursa.mesh.matching;

import java.util.Map;
import java.util.Optional;

/**
 * Outbound configuration of one policy type for one dataplane.
 *
 * @param meshDefault the conf for a destination no {@code to} item names (merged from {@code kind: Mesh} items only)
 * @param byService   the conf for each destination service named by a {@code to} item or an outbound of the dataplane
 */
public record ToRules(Optional<MergedConf> meshDefault, Map<String, MergedConf> byService) {
    public ToRules {
        byService = Map.copyOf(byService);
    }

    public static ToRules empty() {
        return new ToRules(Optional.empty(), Map.of());
    }

    /** The effective conf for traffic to {@code service} ({@code kuma.io/service} or MeshService/MeshExternalService name). */
    public Optional<MergedConf> forService(String service) {
        MergedConf c = byService.get(service);
        return c != null ? Optional.of(c) : meshDefault;
    }
}
