package dev.ursa.mesh.matching;

import dev.ursa.mesh.policy.common.PolicyItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One {@code to} or {@code from} item together with the matched policy it came from. */
public record ItemEntry(PolicyMatch policy, PolicyItem item) {

    /** Merges the entries' {@code default} blocks in list order (least specific first). */
    static Optional<MergedConf> merge(List<ItemEntry> entries) {
        List<Object> confs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ItemEntry e : entries) {
            if (e.item().conf() == null) continue;
            confs.add(e.item().conf());
            if (!names.contains(e.policy().name())) names.add(e.policy().name());
        }
        ConfMerger.Merged m = ConfMerger.merge(confs);
        return m == null ? Optional.empty() : Optional.of(new MergedConf(m.conf(), m.json(), names));
    }
}
