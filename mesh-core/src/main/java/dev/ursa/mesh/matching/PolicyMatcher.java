package dev.ursa.mesh.matching;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefPolicy;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Computes which targetRef policies of one type apply to a dataplane and their effective configuration, with Kuma
 * 2.14's semantics (kumahq/kuma {@code pkg/plugins/policies/core/matchers/dataplane.go} and
 * {@code pkg/plugins/policies/core/rules/}: {@code sort/sort.go}, {@code outbound/sort.go}, {@code inbound/sort.go},
 * {@code merge/merge.go}). Pure: no I/O, no state.
 *
 * <h2>Selection (top-level {@code targetRef}, null = Mesh)</h2>
 * Mesh selects every proxy; MeshSubset the inbounds whose tags contain its tags ("*" = any value); MeshService the
 * inbounds with {@code kuma.io/service} = name; MeshServiceSubset both; Dataplane by name (and
 * {@code k8s.kuma.io/namespace} label when a namespace is given) or by labels ⊆ the dataplane's labels, optionally
 * narrowed to one inbound by {@code sectionName} (inbound name first, then port number). Inbounds with
 * {@code state: Ignored} are never selected. A delegated gateway is selected through its gateway tags. MeshGateway
 * and MeshHTTPRoute select nothing here (they need other resources). {@code proxyTypes}, when set, must include the
 * dataplane's type (Gateway when it has a gateway block, else Sidecar).
 *
 * <h2>Order (least specific first; merging applies later over earlier, so the last one wins)</h2>
 * Policies: by top-level kind ({@link TargetRefKind#specificity()}; Dataplane further split as plain &lt; labels &lt;
 * labels+sectionName &lt; name &lt; name+sectionName), then origin (global &lt; zone, label {@code kuma.io/origin}), then
 * role (system &lt; producer &lt; consumer &lt; workload-owner, label {@code kuma.io/policy-role}), then the display name
 * (label {@code kuma.io/display-name}, else the name) in <em>inverted</em> lexicographic order: of two otherwise equal
 * policies the one whose name sorts <em>first</em> ("a" over "b") wins, as Kuma documents and implements.
 * <p>
 * {@code to} items: the top-level policy attributes above stay the primary key (Kuma's outbound {@code Sort} composes
 * CompareByPolicyAttributes, then CompareByToEntry, then the display name); the item's own targetRef kind is the
 * second key (Mesh &lt; MeshService &lt; MeshService+sectionName &lt; MeshExternalService &lt; MeshMultiZoneService), then
 * the display name, then the item's position in the policy.
 * <p>
 * {@code from} items: ordered by their policy only (Kuma's inbound sort has no per-item key); every item matching the
 * client is merged in that order.
 *
 * <h2>Merge</h2>
 * See {@link ConfMerger}: RFC 7386 JSON merge patch with Kuma's append and merge-by-key exceptions.
 */
public final class PolicyMatcher {
    private static final String NAMESPACE_LABEL = "k8s.kuma.io/namespace";

    private PolicyMatcher() {
    }

    public static List<PolicyMatch> matchingPolicies(Resource dataplane, Collection<Resource> policiesOfOneType) {
        return matchingPolicies(MatchInput.of(dataplane), policiesOfOneType);
    }

    /** The policies that select the dataplane, least specific first. Non-targetRef resources are ignored. */
    public static List<PolicyMatch> matchingPolicies(MatchInput dp, Collection<Resource> policiesOfOneType) {
        List<PolicyMatch> out = new ArrayList<>();
        for (Resource policy : policiesOfOneType) {
            if (policy.spec() instanceof TargetRefPolicy spec) {
                select(dp, policy, spec.targetRefOrMesh()).ifPresent(out::add);
            }
        }
        out.sort(PolicyOrder.POLICIES);
        return List.copyOf(out);
    }

    public static ToRules toRules(Resource dataplane, Collection<Resource> policiesOfOneType) {
        return toRules(MatchInput.of(dataplane), policiesOfOneType);
    }

    /** The effective {@code to} conf for every destination the policies or the dataplane's outbounds name. */
    public static ToRules toRules(MatchInput dp, Collection<Resource> policiesOfOneType) {
        List<ItemEntry> entries = new ArrayList<>();
        for (PolicyMatch m : matchingPolicies(dp, policiesOfOneType)) {
            for (PolicyItem item : m.spec().to()) {
                if (item.targetRef() != null && item.targetRef().kind() != null) entries.add(new ItemEntry(m, item));
            }
        }
        entries.sort(Comparator.comparing((ItemEntry e) -> e.policy(), PolicyOrder.ATTRIBUTES)
                .thenComparing(e -> e.item().targetRef(), PolicyOrder.TO_ITEM)
                .thenComparing(e -> e.policy(), PolicyOrder.DISPLAY_NAME)); // stable: item position breaks the last tie

        Set<String> destinations = new LinkedHashSet<>();
        dp.dataplane().outbounds().forEach(o -> {
            if (o.serviceName() != null) destinations.add(o.serviceName());
        });
        for (ItemEntry e : entries) {
            if (namesDestination(e.item().targetRef())) destinations.add(e.item().targetRef().name());
        }
        Map<String, MergedConf> byService = new LinkedHashMap<>();
        for (String service : destinations) {
            ItemEntry.merge(entries.stream().filter(e -> appliesToService(e.item().targetRef(), service)).toList())
                    .ifPresent(c -> byService.put(service, c));
        }
        Optional<MergedConf> meshDefault = ItemEntry.merge(entries.stream()
                .filter(e -> e.item().targetRef().kind() == TargetRefKind.Mesh).toList());
        return new ToRules(meshDefault, byService);
    }

    public static FromRules fromRules(Resource dataplane, Collection<Resource> policiesOfOneType) {
        return fromRules(MatchInput.of(dataplane), policiesOfOneType);
    }

    /** For each inbound selected by at least one policy, its {@code from} items in merge order. */
    public static FromRules fromRules(MatchInput dp, Collection<Resource> policiesOfOneType) {
        List<PolicyMatch> matches = matchingPolicies(dp, policiesOfOneType);
        List<FromRules.InboundRules> out = new ArrayList<>();
        for (Inbound inbound : dp.dataplane().inbounds()) {
            List<ItemEntry> entries = new ArrayList<>();
            for (PolicyMatch m : matches) {
                if (!m.inbounds().contains(inbound)) continue;
                for (PolicyItem item : m.spec().from()) {
                    entries.add(new ItemEntry(m, item));
                }
            }
            if (!entries.isEmpty()) out.add(new FromRules.InboundRules(inbound, entries));
        }
        return new FromRules(out);
    }

    private static boolean namesDestination(TargetRef ref) {
        return switch (ref.kind()) {
            case MeshService, MeshExternalService, MeshMultiZoneService -> ref.name() != null && !ref.name().isEmpty();
            default -> false;
        };
    }

    /**
     * Whether a {@code to} item applies to all traffic to {@code service}. Subset kinds describe part of a service
     * and, as in Kuma, do not apply to the whole of it; label-based refs and MeshHTTPRoute need other resources.
     */
    static boolean appliesToService(TargetRef ref, String service) {
        return switch (ref.kind()) {
            case Mesh -> true;
            // A MeshService without name or labels (accepted with a warning) selects every service, like Mesh.
            case MeshService -> ref.name() == null && ref.labelsOrEmpty().isEmpty() || service.equals(ref.name());
            case MeshExternalService, MeshMultiZoneService -> service.equals(ref.name());
            default -> false;
        };
    }

    static Optional<PolicyMatch> select(MatchInput dp, Resource policy, TargetRef ref) {
        if (ref.kind() == null) return Optional.empty();
        if (ref.proxyTypes() != null && !ref.proxyTypes().isEmpty()
                && !ref.proxyTypes().contains(dp.gateway() ? TargetRef.ProxyType.Gateway : TargetRef.ProxyType.Sidecar)) {
            return Optional.empty();
        }
        return switch (ref.kind()) {
            case Mesh -> byTags(dp, policy, ref, Map.of(), "Mesh");
            case MeshSubset -> byTags(dp, policy, ref, ref.tagsOrEmpty(), "MeshSubset " + ref.tagsOrEmpty());
            case MeshService -> byTags(dp, policy, ref, Map.of(Tags.SERVICE, nullToEmpty(ref.name())), "MeshService " + ref.name());
            case MeshServiceSubset -> {
                Map<String, String> tags = new LinkedHashMap<>(ref.tagsOrEmpty());
                tags.put(Tags.SERVICE, nullToEmpty(ref.name()));
                yield byTags(dp, policy, ref, tags, "MeshServiceSubset " + ref.name() + " " + ref.tagsOrEmpty());
            }
            case Dataplane -> byDataplane(dp, policy, ref);
            default -> Optional.empty();
        };
    }

    private static Optional<PolicyMatch> byTags(MatchInput dp, Resource policy, TargetRef ref, Map<String, String> selector, String what) {
        List<Inbound> selected = dp.dataplane().inbounds().stream()
                .filter(in -> !in.ignored() && TagSelector.matches(selector, in.tagsOrEmpty()))
                .toList();
        boolean gateway = dp.dataplane().gateway()
                .map(g -> TagSelector.matches(selector, g.tagsOrEmpty())).orElse(false);
        // Mesh selects every proxy, also one with no inbound at all (a pure client, e.g. a proxyless gRPC client).
        boolean clientOnly = selector.isEmpty() && ref.kind() == TargetRefKind.Mesh && dp.dataplane().inbounds().isEmpty() && !gateway;
        if (selected.isEmpty() && !gateway && !clientOnly) return Optional.empty();
        String reason = "targetRef " + what + " selects "
                + (clientOnly ? "the whole proxy (it has no inbound)" : selected.isEmpty() ? "the gateway" : describe(selected));
        return Optional.of(new PolicyMatch(policy, ref, selected, reason));
    }

    private static Optional<PolicyMatch> byDataplane(MatchInput dp, Resource policy, TargetRef ref) {
        if (!ref.tagsOrEmpty().isEmpty()) {
            // Dataplane by inbound tags (accepted from Kuma's docs): selects like MeshSubset.
            return byTags(dp, policy, ref, ref.tagsOrEmpty(), "Dataplane tags " + ref.tagsOrEmpty());
        }
        String what;
        if (ref.name() != null && !ref.name().isEmpty()) {
            if (!ref.name().equals(dp.name())) return Optional.empty();
            if (ref.namespace() != null && !ref.namespace().isEmpty() && !ref.namespace().equals(dp.labels().get(NAMESPACE_LABEL))) {
                return Optional.empty();
            }
            what = "Dataplane " + ref.name();
        } else {
            if (!dp.labels().entrySet().containsAll(ref.labelsOrEmpty().entrySet())) return Optional.empty();
            what = "Dataplane labels " + ref.labelsOrEmpty();
        }
        List<Inbound> selected = dp.dataplane().inbounds().stream().filter(in -> !in.ignored()).toList();
        String section = ref.sectionName();
        if (section != null && !section.isEmpty()) {
            List<Inbound> byName = selected.stream().filter(in -> section.equals(in.name())).toList();
            selected = !byName.isEmpty() ? byName : selected.stream()
                    .filter(in -> (in.name() == null || in.name().isEmpty()) && section.equals(String.valueOf(in.portOrZero())))
                    .toList();
            if (selected.isEmpty()) return Optional.empty();
            what += " sectionName " + section;
        }
        if (selected.isEmpty() && dp.dataplane().gateway().isEmpty()) return Optional.empty();
        String reason = "targetRef " + what + " selects " + (selected.isEmpty() ? "the gateway" : describe(selected));
        return Optional.of(new PolicyMatch(policy, ref, selected, reason));
    }

    private static String describe(List<Inbound> inbounds) {
        List<String> parts = new ArrayList<>();
        for (Inbound in : inbounds) parts.add(in.serviceName() + ":" + in.portOrZero());
        return "inbound " + String.join(", ", parts);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
