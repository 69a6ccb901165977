package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.resources.DataplaneSpec.BackendRef;
import dev.ursa.mesh.resources.DataplaneSpec.Gateway;
import dev.ursa.mesh.resources.DataplaneSpec.GatewayType;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.mesh.resources.DataplaneSpec.Networking;
import dev.ursa.mesh.resources.DataplaneSpec.Outbound;
import dev.ursa.mesh.resources.DataplaneSpec.ServiceProbe;
import dev.ursa.mesh.resources.DataplaneSpec.TransparentProxying;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kuma 2.14's Dataplane rules ({@code dataplane_validator.go}): address, ports, mandatory {@code kuma.io/service}
 * tags, tag characters, inbound-or-gateway, outbound tags-or-backendRef. Paths are the document's JSON paths, e.g.
 * {@code networking.inbound[0].tags["kuma.io/service"]} (Kuma spells one of them {@code transparentProxing}; we do not).
 */
public final class DataplaneValidator implements SpecValidator<DataplaneSpec> {
    static final Set<String> PROTOCOLS = Set.of("tcp", "http", "http2", "grpc", "kafka"); // Kuma 2.14's SupportedProtocols
    private static final List<String> BACKEND_KINDS = List.of("MeshExternalService", "MeshMultiZoneService", "MeshService");
    private static final String LOOPBACK = "127.0.0.1";

    @Override
    public void validate(DataplaneSpec spec, FieldPath path, Violations out) {
        FieldPath net = path.field("networking");
        Networking n = spec.networking();
        if (n == null) {
            out.add(net, "must be defined");
            return;
        }
        validateAdmin(spec, net, out);
        Gateway gateway = n.gateway();
        if (gateway != null && gateway.typeOrDefault() == GatewayType.DELEGATED) {
            if (!spec.inbounds().isEmpty()) out.add(net.field("inbound"), "inbound cannot be defined for delegated gateways");
            validateGateway(gateway, net.field("gateway"), out);
        } else if (gateway != null) {
            if (!spec.inbounds().isEmpty()) out.add(net.field("inbound"), "inbound cannot be defined for builtin gateways");
            if (!spec.outbounds().isEmpty()) out.add(net.field("outbound"), "outbound cannot be defined for builtin gateways");
            if (spec.probes() != null) out.add(path.field("probes"), "probes cannot be defined for builtin gateways");
            validateGateway(gateway, net.field("gateway"), out);
        }
        // Kuma 2.14 lets a Dataplane have no inbound (transparent proxying, an outbound-only client)

        Addresses.validateAddress(n.address(), net.field("address"), out);
        if (n.advertisedAddress() != null && !n.advertisedAddress().isEmpty()
                && !Addresses.isIp(n.advertisedAddress()) && !Addresses.isDnsName(n.advertisedAddress())) {
            out.add(net.field("advertisedAddress"), "advertisedAddress has to be valid IP address or domain name");
        }
        List<Inbound> inbounds = spec.inbounds();
        for (int i = 0; i < inbounds.size(); i++) {
            validateInbound(inbounds.get(i), n.address(), net.field("inbound").index(i), out);
        }
        List<Outbound> outbounds = spec.outbounds();
        for (int i = 0; i < outbounds.size(); i++) {
            validateOutbound(outbounds.get(i), net.field("outbound").index(i), out);
        }
        validateTransparentProxying(n.transparentProxying(), net.field("transparentProxying"), out);
        object(spec.metrics(), path.field("metrics"), out);
        object(spec.probes(), path.field("probes"), out);
        object(spec.envoy(), path.field("envoy"), out);
    }

    private static void validateAdmin(DataplaneSpec spec, FieldPath net, Violations out) {
        if (spec.networking().admin() == null || spec.networking().admin().port() == null) return;
        int port = spec.networking().admin().port();
        FieldPath p = net.field("admin").field("port");
        Addresses.validatePort(port, p, out);
        // Envoy admin binds to loopback: it must not collide with a listener there.
        boolean inboundClash = spec.inbounds().stream().anyMatch(in -> in.portOrZero() == port
                && (in.address() == null || in.address().isEmpty() || in.address().equals(LOOPBACK)));
        boolean outboundClash = spec.outbounds().stream().anyMatch(o -> o.port() != null && o.port() == port
                && (o.address() == null || o.address().isEmpty() || o.address().equals(LOOPBACK)));
        if (inboundClash) out.add(p, "must differ from inbound");
        if (outboundClash) out.add(p, "must differ from outbound");
    }

    private static void validateGateway(Gateway gateway, FieldPath path, Violations out) {
        FieldPath tags = path.field("tags");
        Map<String, String> t = gateway.tagsOrEmpty();
        String protocol = t.get(Tags.PROTOCOL);
        if (protocol != null && !protocol.equals("tcp")) {
            out.add(tags.key(Tags.PROTOCOL), "other values than tcp are not allowed, provided value \"" + protocol + "\"");
        }
        Tags.validateTags(t, tags, out);
        if (!t.containsKey(Tags.SERVICE)) out.add(tags, "mandatory tag \"kuma.io/service\" is missing");
    }

    private static void validateInbound(Inbound in, String dpAddress, FieldPath path, Violations out) {
        Addresses.validatePort(in.port(), path.field("port"), out);
        if (in.servicePort() != null && in.servicePort() != 0) {
            Addresses.validatePort(in.servicePort(), path.field("servicePort"), out);
        }
        boolean samePort = in.servicePort() == null || in.servicePort() == 0 || in.servicePort().equals(in.port());
        if (set(in.serviceAddress())) {
            if (!Addresses.isIp(in.serviceAddress())) {
                out.add(path.field("serviceAddress"), "serviceAddress has to be valid IP address");
            }
            if (in.serviceAddress().equals(dpAddress) && samePort) {
                out.add(path.field("serviceAddress"), "serviceAddress and servicePort has to differ from address and port");
            }
        }
        if (set(in.address())) {
            if (!Addresses.isIp(in.address())) out.add(path.field("address"), "address has to be valid IP address");
            if (in.address().equals(in.serviceAddress()) && samePort) {
                out.add(path.field("serviceAddress"), "serviceAddress and servicePort has to differ from address and port");
            }
        }
        FieldPath tags = path.field("tags");
        String protocol = in.tagsOrEmpty().get(Tags.PROTOCOL);
        if (protocol != null && !PROTOCOLS.contains(protocol)) {
            out.add(tags.key(Tags.PROTOCOL), "tag \"kuma.io/protocol\" has an invalid value \"" + protocol
                    + "\". Allowed values: " + String.join(", ", PROTOCOLS.stream().sorted().toList()));
        }
        Tags.validateTags(in.tags(), tags, out);
        if (!in.tagsOrEmpty().containsKey(Tags.SERVICE)) out.add(tags.key(Tags.SERVICE), "tag has to exist");
        validateServiceProbe(in.serviceProbe(), path.field("serviceProbe"), out);
    }

    private static void validateServiceProbe(ServiceProbe probe, FieldPath path, Violations out) {
        if (probe == null) return;
        positive(probe.interval(), path.field("interval"), out);
        positive(probe.timeout(), path.field("timeout"), out);
        if (probe.unhealthyThreshold() != null && probe.unhealthyThreshold() <= 0) {
            out.add(path.field("unhealthyThreshold"), "must have a positive value");
        }
        if (probe.healthyThreshold() != null && probe.healthyThreshold() <= 0) {
            out.add(path.field("healthyThreshold"), "must have a positive value");
        }
        object(probe.tcp(), path.field("tcp"), out);
    }

    private static void positive(KumaDuration d, FieldPath path, Violations out) {
        if (d != null && (d.isZero() || d.isNegative())) out.add(path, "must have a positive value");
    }

    private static void validateOutbound(Outbound o, FieldPath path, Violations out) {
        Addresses.validatePort(o.port(), path.field("port"), out);
        if (set(o.address()) && !Addresses.isIp(o.address())) {
            out.add(path.field("address"), "address has to be valid IP address");
        }
        BackendRef ref = o.backendRef();
        if (ref != null) {
            FieldPath p = path.field("backendRef");
            if (!knownBackendKind(ref.kind())) {
                out.add(p.field("kind"), "invalid value. Available values are: " + String.join(",", BACKEND_KINDS));
            }
            if (!set(ref.name()) && (ref.labels() == null || ref.labels().isEmpty())) {
                out.add(p, "either 'name' or 'labels' should be specified");
            }
            // a MeshExternalService's port comes from its endpoints
            if (!"MeshExternalService".equals(ref.kind())) Addresses.validatePort(ref.port(), p.field("port"), out);
            if (!o.tagsOrEmpty().isEmpty() || set(o.service())) {
                out.add(p, "both backendRef and tags/service cannot be defined");
            }
        } else if (o.tagsOrEmpty().isEmpty()) {
            if (!set(o.service())) out.add(path.field("tags"), "mandatory tag \"kuma.io/service\" is missing");
        } else {
            Tags.validateTags(o.tags(), path.field("tags"), out);
            if (!o.tags().containsKey(Tags.SERVICE)) out.add(path.field("tags"), "mandatory tag \"kuma.io/service\" is missing");
        }
    }

    private static void validateTransparentProxying(TransparentProxying tp, FieldPath path, Violations out) {
        if (tp == null) return;
        redirectPort(tp.redirectPortInbound(), path.field("redirectPortInbound"), out);
        redirectPort(tp.redirectPortOutbound(), path.field("redirectPortOutbound"), out);
        if (tp.reachableBackends() == null || tp.reachableBackends().refs() == null) return;
        var refs = tp.reachableBackends().refs();
        for (int i = 0; i < refs.size(); i++) {
            var ref = refs.get(i);
            FieldPath p = path.field("reachableBackends").field("refs").index(i);
            if (!knownBackendKind(ref.kind())) {
                out.add(p.field("kind"), "invalid value. Available values are: " + String.join(",", BACKEND_KINDS));
            }
            boolean labels = ref.labels() != null && !ref.labels().isEmpty();
            if (set(ref.name()) && !Tags.isValidName(ref.name())) out.add(p.field("name"), Tags.NAME_RULE);
            if (!set(ref.name()) && !set(ref.namespace()) && !labels) out.add(p.field("name"), "name or labels are required");
            if (!set(ref.name()) && set(ref.namespace())) out.add(p.field("name"), "name is required, when namespace is defined");
            if ((set(ref.name()) || set(ref.namespace())) && labels) {
                out.add(p.field("labels"), "labels cannot be defined when name is specified");
            }
        }
    }

    /** An absent kind is not a kind (and {@code List.of(...).contains(null)} throws). */
    private static boolean knownBackendKind(String kind) {
        return kind != null && BACKEND_KINDS.contains(kind);
    }

    private static void redirectPort(Integer port, FieldPath path, Violations out) {
        if (port != null && (port < 0 || port > 65535)) out.add(path, "port must be in the range [0, 65535]");
    }

    private static void object(JsonNode node, FieldPath path, Violations out) {
        if (node != null && !node.isNull() && !node.isObject()) out.add(path, "must be an object");
    }

    private static boolean set(String s) {
        return s != null && !s.isEmpty();
    }
}
