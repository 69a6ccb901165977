package dev.ursa.mesh.policy.meshloadbalancingstrategy;

import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.AffinityTag;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.Conf;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.CrossZone;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.Failover;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.HashPolicy;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.LoadBalancer;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.LocalZone;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.LocalityAwareness;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.To;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/** Kuma 2.14's MeshLoadBalancingStrategy rules (its {@code validator.go}), plus the CRD ranges of the numeric options. */
public final class MeshLoadBalancingStrategyValidator implements SpecValidator<MeshLoadBalancingStrategySpec> {
    private static final Set<TargetRefKind> TOP_KINDS = Set.of(
            TargetRefKind.Mesh, TargetRefKind.MeshSubset, TargetRefKind.MeshGateway,
            TargetRefKind.MeshService, TargetRefKind.MeshServiceSubset, TargetRefKind.Dataplane);
    private static final Set<TargetRefKind> TO_KINDS = Set.of(
            TargetRefKind.Mesh, TargetRefKind.MeshService, TargetRefKind.MeshMultiZoneService, TargetRefKind.MeshHTTPRoute);
    private static final Set<TargetRefKind> GATEWAY_TO_KINDS = Set.of(
            TargetRefKind.Mesh, TargetRefKind.MeshService, TargetRefKind.MeshMultiZoneService);
    private static final String ONLY_HASH_POLICIES = "field is not allowed when targetRef.kind is MeshHTTPRoute, only hashPolicies is supported";
    private static final int MAX_RING_SIZE = 8_000_000;
    private static final int MAX_MAGLEV_TABLE_SIZE = 5_000_011;

    @Override
    public void validate(MeshLoadBalancingStrategySpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP_KINDS, false, out);
        }
        if (spec.to().isEmpty()) {
            out.add(path.field("to"), "needs at least one item");
        }
        TargetRefKind topKind = spec.targetRefOrMesh().kind();
        for (int i = 0; i < spec.to().size(); i++) {
            validateTo(topKind, spec.to().get(i), path.field("to").index(i), out);
        }
    }

    private void validateTo(TargetRefKind topKind, To to, FieldPath path, Violations out) {
        if (to == null) {
            out.add(path, "must be defined");
            return;
        }
        Conf conf = to.defaultConf() == null ? new Conf(null, null, null) : to.defaultConf();
        TargetRef ref = to.targetRef();
        FieldPath refPath = path.field("targetRef");
        // A gateway shares one cluster per destination across its listeners, so Kuma only lets it set the algorithm mesh-wide.
        if (topKind == TargetRefKind.MeshGateway && conf.loadBalancer() != null) {
            if (ref != null && ref.kind() != null && ref.kind() != TargetRefKind.Mesh) {
                out.add(refPath.field("kind"), "value is not supported, only Mesh is allowed if loadBalancer is set");
            } else {
                TargetRefRules.validate(ref, refPath, Set.of(TargetRefKind.Mesh), false, out);
            }
        } else {
            TargetRefRules.validate(ref, refPath, topKind == TargetRefKind.MeshGateway ? GATEWAY_TO_KINDS : TO_KINDS, false, out);
        }
        validateConf(conf, ref, path.field("default"), out);
    }

    private void validateConf(Conf conf, TargetRef ref, FieldPath path, Violations out) {
        validateHashPolicies(conf.hashPolicies(), path.field("hashPolicies"), out);
        if (ref != null && ref.kind() == TargetRefKind.MeshHTTPRoute) {
            // A route owns no cluster: only the per-request hash can be set for it.
            if (conf.loadBalancer() != null) out.add(path.field("loadBalancer"), ONLY_HASH_POLICIES);
            if (conf.localityAwareness() != null) out.add(path.field("localityAwareness"), ONLY_HASH_POLICIES);
            return;
        }
        validateLoadBalancer(conf.loadBalancer(), path.field("loadBalancer"), out);
        validateLocalityAwareness(conf.localityAwareness(), ref, path.field("localityAwareness"), out);
        LoadBalancer lb = conf.loadBalancer();
        if (conf.hashPolicies() != null && lb != null) {
            if (lb.ringHash() != null && lb.ringHash().hashPolicies() != null) {
                out.add(path.field("loadBalancer").field("ringHash").field("hashPolicies"), "hashPolicies already specified in the root level");
            }
            if (lb.maglev() != null && lb.maglev().hashPolicies() != null) {
                out.add(path.field("loadBalancer").field("maglev").field("hashPolicies"), "hashPolicies already specified in the root level");
            }
        }
    }

    private void validateLoadBalancer(LoadBalancer lb, FieldPath path, Violations out) {
        if (lb == null) return;
        if (lb.type() == null) {
            out.add(path.field("type"), "must be defined");
            return;
        }
        switch (lb.type()) {
            case LeastRequest -> {
                if (lb.leastRequest() == null) return;
                FieldPath p = path.field("leastRequest");
                Integer choiceCount = lb.leastRequest().choiceCount();
                if (choiceCount != null && choiceCount < 2) {
                    out.add(p.field("choiceCount"), "must be greater than or equal to 2");
                }
                KumaDecimal bias = lb.leastRequest().activeRequestBias();
                if (bias != null) {
                    bias.decimal().ifPresentOrElse(
                            d -> {
                                if (d.signum() < 0) out.add(p.field("activeRequestBias"), "must be greater than or equal to 0");
                            },
                            () -> out.add(p.field("activeRequestBias"), "string must be a valid number"));
                }
            }
            case RingHash -> {
                if (lb.ringHash() == null) return;
                FieldPath p = path.field("ringHash");
                inRange(lb.ringHash().minRingSize(), 1, MAX_RING_SIZE, p.field("minRingSize"), out);
                inRange(lb.ringHash().maxRingSize(), 1, MAX_RING_SIZE, p.field("maxRingSize"), out);
                validateHashPolicies(lb.ringHash().hashPolicies(), p.field("hashPolicies"), out);
            }
            case Maglev -> {
                if (lb.maglev() == null) return;
                FieldPath p = path.field("maglev");
                inRange(lb.maglev().tableSize(), 1, MAX_MAGLEV_TABLE_SIZE, p.field("tableSize"), out);
                validateHashPolicies(lb.maglev().hashPolicies(), p.field("hashPolicies"), out);
            }
            case RoundRobin, Random -> {
                // no options to check
            }
        }
    }

    private static void inRange(Integer value, int min, int max, FieldPath path, Violations out) {
        if (value != null && (value < min || value > max)) {
            out.add(path, "must be in inclusive range [" + min + ", " + max + "]");
        }
    }

    private void validateLocalityAwareness(LocalityAwareness la, TargetRef ref, FieldPath path, Violations out) {
        if (la == null) return;
        validateLocalZone(la.localZone(), path.field("localZone"), out);
        validateCrossZone(la.crossZone(), ref, path.field("crossZone"), out);
    }

    private void validateLocalZone(LocalZone localZone, FieldPath path, Violations out) {
        if (localZone == null || localZone.affinityTags() == null) return;
        List<AffinityTag> tags = localZone.affinityTags();
        int withWeight = 0;
        for (int i = 0; i < tags.size(); i++) {
            FieldPath p = path.field("affinityTags").index(i);
            AffinityTag tag = tags.get(i);
            if (tag == null) {
                out.add(p, "must be defined");
                continue;
            }
            if (tag.key() == null || tag.key().isEmpty()) {
                out.add(p.field("key"), "must not be empty");
            }
            if (tag.weight() != null) {
                withWeight++;
                if (tag.weight() <= 0) out.add(p.field("weight"), "must be greater than 0");
            }
        }
        if (withWeight > 0 && withWeight != tags.size()) {
            out.add(path.field("affinityTags"), "all or none affinity tags should have weight");
        }
    }

    private void validateCrossZone(CrossZone crossZone, TargetRef ref, FieldPath path, Violations out) {
        if (crossZone == null) return;
        // A port of a MeshService (sectionName) or a labelled MeshService lives in one zone: nothing to fail over to.
        if (ref != null && ref.kind() == TargetRefKind.MeshService && (notEmpty(ref.sectionName()) || !ref.labelsOrEmpty().isEmpty())) {
            out.add(path, "must not be set: MeshService traffic is local");
        }
        List<Failover> failover = crossZone.failover() == null ? List.of() : crossZone.failover();
        for (int i = 0; i < failover.size(); i++) {
            validateFailover(failover.get(i), path.field("failover").index(i), out);
        }
        if (crossZone.failoverThreshold() != null) {
            FieldPath p = path.field("failoverThreshold").field("percentage");
            KumaDecimal percentage = crossZone.failoverThreshold().percentage();
            if (percentage == null) {
                out.add(p, "must be defined");
            } else {
                percentage.decimal().ifPresentOrElse(d -> {
                    if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
                        out.add(p, "must be in inclusive range [0.0, 100.0]");
                    } else if (d.signum() == 0) {
                        out.add(p, "must be greater than 0");
                    }
                }, () -> out.add(p, "string must be a valid number"));
            }
        }
    }

    private void validateFailover(Failover failover, FieldPath path, Violations out) {
        if (failover == null) {
            out.add(path, "must be defined");
            return;
        }
        if (failover.from() != null) {
            FieldPath zonesPath = path.field("from").field("zones");
            List<String> zones = failover.from().zones() == null ? List.of() : failover.from().zones();
            if (zones.isEmpty()) out.add(zonesPath, "must not be empty");
            for (int i = 0; i < zones.size(); i++) {
                if (!notEmpty(zones.get(i))) out.add(zonesPath.index(i), "must not be empty");
            }
        }
        if (failover.to() == null) {
            out.add(path.field("to"), "must be defined");
            return;
        }
        FieldPath zonesPath = path.field("to").field("zones");
        List<String> zones = failover.to().zones() == null ? List.of() : failover.to().zones();
        if (failover.to().type() == null) {
            out.add(path.field("to").field("type"), "must be defined: one of None, Only, Any, AnyExcept");
            return;
        }
        switch (failover.to().type()) {
            case Any, None -> {
                if (!zones.isEmpty()) out.add(zonesPath, "must be empty when type is " + failover.to().type());
            }
            case Only, AnyExcept -> {
                if (zones.isEmpty()) out.add(zonesPath, "must not be empty when type is " + failover.to().type());
                for (int i = 0; i < zones.size(); i++) {
                    if (!notEmpty(zones.get(i))) out.add(zonesPath.index(i), "must not be empty");
                }
            }
        }
    }

    private void validateHashPolicies(List<HashPolicy> policies, FieldPath path, Violations out) {
        if (policies == null) return;
        for (int i = 0; i < policies.size(); i++) {
            HashPolicy policy = policies.get(i);
            FieldPath p = path.index(i);
            if (policy == null) {
                out.add(p, "must be defined");
                continue;
            }
            if (policy.type() == null) {
                out.add(p.field("type"), "must be defined");
                continue;
            }
            switch (policy.type()) {
                case Header -> {
                    if (policy.header() == null) out.add(p.field("header"), "must be defined");
                    else requireText(policy.header().name(), p.field("header").field("name"), out);
                }
                case Cookie -> {
                    if (policy.cookie() == null) {
                        out.add(p.field("cookie"), "must be defined");
                    } else {
                        requireText(policy.cookie().name(), p.field("cookie").field("name"), out);
                        if (policy.cookie().path() != null && !policy.cookie().path().startsWith("/")) {
                            out.add(p.field("cookie").field("path"), "must be an absolute path");
                        }
                    }
                }
                case QueryParameter -> {
                    if (policy.queryParameter() == null) out.add(p.field("queryParameter"), "must be defined");
                    else requireText(policy.queryParameter().name(), p.field("queryParameter").field("name"), out);
                }
                case FilterState -> {
                    if (policy.filterState() == null) out.add(p.field("filterState"), "must be defined");
                    else requireText(policy.filterState().key(), p.field("filterState").field("key"), out);
                }
                case Connection, SourceIP -> {
                    if (policy.connection() == null) out.add(p.field("connection"), "must be defined");
                }
            }
        }
    }

    private static void requireText(String value, FieldPath path, Violations out) {
        if (!notEmpty(value)) out.add(path, "must not be empty");
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
