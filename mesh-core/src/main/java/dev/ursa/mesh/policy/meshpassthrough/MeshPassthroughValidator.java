package dev.ursa.mesh.policy.meshpassthrough;

import dev.ursa.mesh.policy.common.GoValidators;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshpassthrough.MeshPassthroughSpec.Match;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kuma 2.14's MeshPassthrough rules (pkg/plugins/policies/meshpassthrough/api/v1alpha1/validator.go), messages and
 * quirks included ("defiend"; a port conflict is only reported for an L7 protocol). Every accepted policy carries a
 * warning: Ursa's sidecars have no transparent-proxy outbound listener yet, so a passthrough has nothing to act on.
 */
public final class MeshPassthroughValidator implements SpecValidator<MeshPassthroughSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(TargetRefKind.Mesh, TargetRefKind.MeshSubset, TargetRefKind.Dataplane);
    private static final List<String> PROTOCOLS = List.of("tcp", "tls", "grpc", "http", "http2", "mysql");
    private static final Set<String> L7 = Set.of("grpc", "http", "http2");
    private static final Pattern PARTIAL_WILDCARD = Pattern.compile("^\\*[^.]+");
    public static final String NOT_APPLIED = "accepted but not applied yet: Ursa's Envoy sidecars have no transparent-proxy "
            + "outbound (passthrough) listener for it to configure, and proxyless gRPC clients have no passthrough";

    @Override
    public void validate(MeshPassthroughSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP, false, out);
        }
        FieldPath conf = path.field("default");
        List<Match> matches = spec.defaults() == null || spec.defaults().appendMatch() == null ? List.of() : spec.defaults().appendMatch();
        Map<Long, String> protocolOfPort = new HashMap<>();
        Map<String, Set<String>> valuesOfPortProtocol = new HashMap<>();
        for (int i = 0; i < matches.size(); i++) {
            Match m = matches.get(i);
            FieldPath p = conf.field("appendMatch").index(i);
            String protocol = Objects.requireNonNullElse(m.protocol(), "");
            String value = Objects.requireNonNullElse(m.value(), "");
            if (protocol.equals("mysql") && m.port() == null) {
                out.add(p.field("port"), "port must be defined for Mysql protocol");
            }
            if (m.port() != null && (m.port() <= 0 || m.port() > 65535)) {
                out.add(p.field("port"), "port must be a valid (1-65535)");
            }
            if (m.port() != null) {
                String seen = protocolOfPort.get(m.port());
                if (seen != null && !seen.equals(protocol) && L7.contains(protocol)) {
                    out.add(p.field("port"), "using the same port in multiple matches requires the same protocol for the following protocols: [grpc http http2]");
                } else {
                    protocolOfPort.put(m.port(), protocol);
                }
                if (!valuesOfPortProtocol.computeIfAbsent(m.port() + "/" + protocol, k -> new HashSet<>()).add(value)) {
                    out.add(p.field("value"), "value " + value + " is already defiend for this port and protocol");
                }
            }
            if (!PROTOCOLS.contains(protocol)) {
                out.add(p.field("protocol"), "\"protocol\" must be one of [\"tcp\", \"tls\", \"grpc\", \"http\", \"http2\", \"mysql\"]");
            }
            switch (Objects.requireNonNullElse(m.type(), "")) {
                case "CIDR" -> {
                    if (!GoValidators.isCidr(value)) out.add(p.field("value"), "provided CIDR has incorrect value");
                }
                case "IP" -> {
                    if (!GoValidators.isIp(value)) out.add(p.field("value"), "provided IP has incorrect value");
                }
                case "Domain" -> validateDomain(value, protocol, m.port(), p, out);
                default -> out.add(p.field("type"), "provided type " + Objects.requireNonNullElse(m.type(), "")
                        + " is not supported, one of Domain, IP, or CIDR is supported");
            }
        }
        out.warn(conf, NOT_APPLIED);
    }

    private static void validateDomain(String value, String protocol, Long port, FieldPath p, Violations out) {
        if (protocol.equals("tcp") || protocol.equals("mysql")) {
            out.add(p.field("protocol"), "protocol " + protocol + " is not supported for a domain");
        }
        if (PARTIAL_WILDCARD.matcher(value).find()) {
            out.add(p.field("value"), "provided DNS has incorrect value, partial wildcard is currently not supported");
        }
        if (port == null && value.startsWith("*") && L7.contains(protocol)) {
            out.add(p.field("port"), "wildcard domains doesn't work for all ports and layer 7 protocol");
        }
        String name = value.startsWith("*.") ? value.substring(2) : value;
        if (!name.startsWith("*") && !GoValidators.isDnsName(name)) {
            out.add(p.field("value"), "provided DNS has incorrect value");
        }
    }
}
