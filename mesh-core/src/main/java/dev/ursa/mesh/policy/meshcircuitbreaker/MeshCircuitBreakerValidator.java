package dev.ursa.mesh.policy.meshcircuitbreaker;

import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.Conf;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.ConnectionLimits;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.ConsecutiveFailures;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.Detectors;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.FailurePercentage;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.From;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.OutlierDetection;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.Rule;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.SuccessRate;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.To;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.Set;

/** Kuma 2.14's MeshCircuitBreaker rules (its {@code validator.go}). */
public final class MeshCircuitBreakerValidator implements SpecValidator<MeshCircuitBreakerSpec> {
    private static final Set<TargetRefKind> TOP_KINDS = Set.of(
            TargetRefKind.Mesh, TargetRefKind.MeshSubset, TargetRefKind.MeshService,
            TargetRefKind.MeshGateway, TargetRefKind.MeshServiceSubset, TargetRefKind.Dataplane);
    private static final Set<TargetRefKind> TO_KINDS = Set.of(
            TargetRefKind.Mesh, TargetRefKind.MeshService, TargetRefKind.MeshExternalService, TargetRefKind.MeshMultiZoneService);
    private static final Set<TargetRefKind> FROM_KINDS = Set.of(TargetRefKind.Mesh);

    @Override
    public void validate(MeshCircuitBreakerSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP_KINDS, false, out);
        }
        if (spec.to().isEmpty() && spec.from().isEmpty() && spec.rules().isEmpty()) {
            out.add(path, "at least one of 'from', 'to' or 'rules' has to be defined");
        }
        for (int i = 0; i < spec.from().size(); i++) {
            FieldPath p = path.field("from").index(i);
            From from = spec.from().get(i);
            if (from == null) {
                out.add(p, "must be defined");
                continue;
            }
            TargetRefRules.validate(from.targetRef(), p.field("targetRef"), FROM_KINDS, true, out);
            validateConf(from.defaultConf(), p.field("default"), out);
        }
        TargetRefKind topKind = spec.targetRefOrMesh().kind();
        for (int i = 0; i < spec.to().size(); i++) {
            FieldPath p = path.field("to").index(i);
            To to = spec.to().get(i);
            if (to == null) {
                out.add(p, "must be defined");
                continue;
            }
            TargetRef ref = to.targetRef();
            TargetRefRules.validate(ref, p.field("targetRef"), TO_KINDS, false, out);
            // External services are reached through the shared Zone Egress, so only a mesh-wide policy may tune them.
            if (ref != null && ref.kind() == TargetRefKind.MeshExternalService && topKind != TargetRefKind.Mesh) {
                out.add(p.field("targetRef").field("kind"), "kind MeshExternalService is only allowed with targetRef.kind: Mesh "
                        + "as it is configured on the Zone Egress and shared by all clients in the mesh");
            }
            validateConf(to.defaultConf(), p.field("default"), out);
        }
        for (int i = 0; i < spec.rules().size(); i++) {
            FieldPath p = path.field("rules").index(i);
            Rule rule = spec.rules().get(i);
            if (rule == null) {
                out.add(p, "must be defined");
                continue;
            }
            validateConf(rule.defaultConf(), p.field("default"), out);
        }
    }

    private void validateConf(Conf conf, FieldPath path, Violations out) {
        if (conf == null || (conf.connectionLimits() == null && conf.outlierDetection() == null)) {
            out.add(path, "at least one of: 'connectionLimits' or 'outlierDetection' should be configured");
            return;
        }
        ConnectionLimits limits = conf.connectionLimits();
        if (limits != null) {
            FieldPath p = path.field("connectionLimits");
            greaterThanZero(limits.maxConnections(), p.field("maxConnections"), out);
            greaterThanZero(limits.maxConnectionPools(), p.field("maxConnectionPools"), out);
            greaterThanZero(limits.maxPendingRequests(), p.field("maxPendingRequests"), out);
            greaterThanZero(limits.maxRetries(), p.field("maxRetries"), out);
            greaterThanZero(limits.maxRequests(), p.field("maxRequests"), out);
        }
        if (conf.outlierDetection() != null) {
            validateOutlierDetection(conf.outlierDetection(), path.field("outlierDetection"), out);
        }
    }

    private void validateOutlierDetection(OutlierDetection od, FieldPath path, Violations out) {
        positive(od.interval(), path.field("interval"), out);
        positive(od.baseEjectionTime(), path.field("baseEjectionTime"), out);
        percent(od.maxEjectionPercent(), path.field("maxEjectionPercent"), out);
        Detectors detectors = od.detectors();
        FieldPath p = path.field("detectors");
        if (detectors == null) {
            out.add(p, "must be defined");
            return;
        }
        if (detectors.totalFailures() == null && detectors.gatewayFailures() == null && detectors.localOriginFailures() == null
                && detectors.successRate() == null && detectors.failurePercentage() == null) {
            out.add(p, "must have at least one defined: totalFailures, gatewayFailures, localOriginFailures, successRate, failurePercentage");
            return;
        }
        consecutive(detectors.totalFailures(), p.field("totalFailures"), out);
        consecutive(detectors.gatewayFailures(), p.field("gatewayFailures"), out);
        consecutive(detectors.localOriginFailures(), p.field("localOriginFailures"), out);
        SuccessRate sr = detectors.successRate();
        if (sr != null) {
            FieldPath s = p.field("successRate");
            greaterThanZero(sr.minimumHosts(), s.field("minimumHosts"), out);
            greaterThanZero(sr.requestVolume(), s.field("requestVolume"), out);
            if (sr.standardDeviationFactor() != null) {
                FieldPath f = s.field("standardDeviationFactor");
                sr.standardDeviationFactor().decimal().ifPresentOrElse(d -> {
                    if (d.signum() <= 0) out.add(f, "must be greater than 0");
                }, () -> out.add(f, "invalid number"));
            }
        }
        FailurePercentage fp = detectors.failurePercentage();
        if (fp != null) {
            FieldPath f = p.field("failurePercentage");
            greaterThanZero(fp.minimumHosts(), f.field("minimumHosts"), out);
            greaterThanZero(fp.requestVolume(), f.field("requestVolume"), out);
            percent(fp.threshold(), f.field("threshold"), out);
        }
    }

    private static void consecutive(ConsecutiveFailures detector, FieldPath path, Violations out) {
        if (detector != null) greaterThanZero(detector.consecutive(), path.field("consecutive"), out);
    }

    private static void greaterThanZero(Integer value, FieldPath path, Violations out) {
        if (value != null && value <= 0) out.add(path, "must be greater than 0");
    }

    private static void percent(Integer value, FieldPath path, Violations out) {
        if (value != null && (value < 0 || value > 100)) out.add(path, "must be in inclusive range [0, 100]");
    }

    private static void positive(KumaDuration d, FieldPath path, Violations out) {
        if (d != null && (d.isNegative() || d.isZero())) out.add(path, "must be greater than zero when defined");
    }
}
