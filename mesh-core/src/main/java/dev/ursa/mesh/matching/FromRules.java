package dev.ursa.mesh.matching;

import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Inbound configuration of one policy type for one dataplane: one {@link InboundRules} per selected inbound. */
public record FromRules(List<InboundRules> inbounds) {
    public FromRules {
        inbounds = List.copyOf(inbounds);
    }

    public Optional<InboundRules> forInbound(int port) {
        return inbounds.stream().filter(r -> r.inbound().portOrZero() == port).findFirst();
    }

    /** The {@code from} items that apply to one inbound, already in merge order. */
    public record InboundRules(Inbound inbound, List<ItemEntry> entries) {
        public InboundRules {
            entries = List.copyOf(entries);
        }

        /** The effective conf for traffic from a client with these tags (its inbound tags, e.g. {@code kuma.io/service}). */
        public Optional<MergedConf> forClient(Map<String, String> clientTags) {
            return ItemEntry.merge(entries.stream().filter(e -> appliesToClient(e.item().targetRef(), clientTags)).toList());
        }

        /** The conf for any client: only {@code kind: Mesh} items. */
        public Optional<MergedConf> forAnyClient() {
            return ItemEntry.merge(entries.stream().filter(e -> e.item().targetRef() != null
                    && e.item().targetRef().kind() == TargetRefKind.Mesh).toList());
        }
    }

    public static boolean appliesToClient(TargetRef ref, Map<String, String> client) {
        if (ref == null || ref.kind() == null) return false;
        return switch (ref.kind()) {
            case Mesh -> true;
            case MeshSubset -> TagSelector.matches(ref.tagsOrEmpty(), client);
            case MeshService -> ref.name() != null && ref.name().equals(client.get(Tags.SERVICE));
            case MeshServiceSubset -> ref.name() != null && ref.name().equals(client.get(Tags.SERVICE))
                    && TagSelector.matches(ref.tagsOrEmpty(), client);
            default -> false;
        };
    }
}
