package dev.ursa.mesh.policy.meshfaultinjection;

import dev.ursa.mesh.policy.common.InboundMatchRules;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionSpec.Conf;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionSpec.Fault;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshFaultInjection rules (pkg/plugins/policies/meshfaultinjection/api/v1alpha1/validator.go, system
 * role), with its quirks: {@code from} is refused when the scope includes gateways (a top-level {@code kind: Mesh}
 * without {@code proxyTypes: [Sidecar]} does), a fault's path is {@code http.<kind>[i]} (the index after the kind), an
 * absent percentage is 0 and an {@code abort} without {@code httpStatus} is refused as out of range.
 */
public final class MeshFaultInjectionValidator implements SpecValidator<MeshFaultInjectionSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, Dataplane);
    private static final Set<TargetRefKind> FROM = EnumSet.of(Mesh, MeshSubset, MeshServiceSubset, MeshService);
    private static final Set<TargetRefKind> TO = EnumSet.of(Mesh);
    /** Kuma's {@code validators.BandwidthRegex}. */
    public static final Pattern BANDWIDTH = Pattern.compile("^(\\d*)\\s?([GMk]+bps)$");

    @Override
    public void validate(MeshFaultInjectionSpec spec, FieldPath path, Violations out) {
        boolean affectsInbounds = !spec.from().isEmpty() || !spec.rules().isEmpty();
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, affectsInbounds, out);
        }
        TargetRef top = spec.targetRefOrMesh();
        if (!spec.from().isEmpty() && !spec.rules().isEmpty()) {
            out.add(path, "field 'from' must be empty when 'rules' is defined");
        }
        for (int i = 0; i < spec.rules().size(); i++) {
            var rule = spec.rules().get(i);
            FieldPath p = path.field("rules").index(i);
            if (rule == null) continue;
            InboundMatchRules.validate(rule.matches(), p.field("matches"), out);
            validateConf(rule.defaultConf(), p.field("default"), out);
        }
        if (!spec.from().isEmpty() && top.includesGateways()) {
            out.add(path.field("from"), "must not be defined when the scope includes a Gateway, select only proxyType Sidecar "
                    + "or select only gateways and use spec.to");
        } else {
            for (int i = 0; i < spec.from().size(); i++) {
                var item = spec.from().get(i);
                FieldPath p = path.field("from").index(i);
                if (item == null) continue;
                TargetRefRules.validate(item.targetRef(), p.field("targetRef"), FROM, false, out);
                validateConf(item.defaultConf(), p.field("default"), out);
            }
        }
        if (!spec.to().isEmpty() && !top.includesGateways()) {
            out.add(path.field("to"), "must not be defined");
        } else {
            for (int i = 0; i < spec.to().size(); i++) {
                var item = spec.to().get(i);
                FieldPath p = path.field("to").index(i);
                if (item == null) continue;
                TargetRefRules.validate(item.targetRef(), p.field("targetRef"), TO, false, out);
                validateConf(item.defaultConf(), p.field("default"), out);
            }
        }
    }

    private static void validateConf(Conf conf, FieldPath path, Violations out) {
        if (conf == null) return;
        FieldPath http = path.field("http");
        for (int i = 0; i < conf.httpOrEmpty().size(); i++) {
            Fault fault = conf.httpOrEmpty().get(i);
            if (fault == null) continue;
            if (fault.abort() != null) {
                FieldPath p = http.field("abort").index(i);
                int status = fault.abort().httpStatus() == null ? 0 : fault.abort().httpStatus();
                if (status < 100 || status >= 600) {
                    out.add(p.field("httpStatus"), "must be in inclusive range [100, 599]");
                } else if (status < 200) {
                    // Kuma accepts 1xx; Envoy refuses an abort status below 200, so it is accepted and left out.
                    out.warn(p.field("httpStatus"), "Envoy and gRPC cannot abort with a 1xx status: this abort is not applied");
                }
                percentage(fault.abort().percentage(), p.field("percentage"), out);
            }
            if (fault.delay() != null) {
                FieldPath p = http.field("delay").index(i);
                if (fault.delay().value() != null && fault.delay().value().isNegative()) {
                    out.add(p.field("value"), "must not be negative when defined");
                }
                percentage(fault.delay().percentage(), p.field("percentage"), out);
            }
            if (fault.responseBandwidth() != null) {
                FieldPath p = http.field("responseBandwidth").index(i);
                bandwidth(fault.responseBandwidth().limit(), p.field("limit"), out);
                percentage(fault.responseBandwidth().percentage(), p.field("percentage"), out);
            }
        }
    }

    /** Kuma's {@code ValidatePercentage(..., allow0 = true)}; absent is Kuma's zero value, 0. */
    static void percentage(KumaDecimal value, FieldPath path, Violations out) {
        if (value == null) return;
        Optional<BigDecimal> d = value.decimal();
        if (d.isEmpty()) {
            out.add(path, "string must be a valid number");
        } else if (d.get().signum() < 0 || d.get().compareTo(BigDecimal.valueOf(100)) > 0) {
            out.add(path, "must be in inclusive range [0.0, 100.0]");
        }
    }

    private static void bandwidth(String limit, FieldPath path, Violations out) {
        if (limit == null || limit.isEmpty()) {
            out.add(path, "must be defined");
            return;
        }
        if (!BANDWIDTH.matcher(limit).matches()) {
            out.add(path, "must be in kbps/Mbps/Gbps units");
            return;
        }
        if (kbps(limit).isEmpty()) {
            // Kuma accepts these ("kbps", "5GMbps") and then fails to render them; Ursa accepts them too and leaves them out.
            out.warn(path, "'" + limit + "' has no usable number or unit: the response bandwidth limit is not applied");
        }
    }

    /** The limit in kbps, as Kuma's {@code ConvertBandwidthToKbps}; empty when Kuma could not convert it. */
    public static Optional<Long> kbps(String limit) {
        if (limit == null) return Optional.empty();
        Matcher m = BANDWIDTH.matcher(limit);
        if (!m.matches() || m.group(1).isEmpty() || m.group(1).length() > 12) return Optional.empty();
        long factor = switch (m.group(2)) {
            case "kbps" -> 1;
            case "Mbps" -> 1_000;
            case "Gbps" -> 1_000_000;
            default -> 0;
        };
        return factor == 0 ? Optional.empty() : Optional.of(factor * Long.parseLong(m.group(1)));
    }
}
