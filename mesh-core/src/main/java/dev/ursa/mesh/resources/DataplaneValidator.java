package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.GoRequestUri;
import dev.ursa.mesh.policy.common.GoNet;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.resources.DataplaneSpec.BackendRef;
import dev.ursa.mesh.resources.DataplaneSpec.Gateway;
import dev.ursa.mesh.resources.DataplaneSpec.GatewayType;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.mesh.resources.DataplaneSpec.Listener;
import dev.ursa.mesh.resources.DataplaneSpec.ListenerType;
import dev.ursa.mesh.resources.DataplaneSpec.Networking;
import dev.ursa.mesh.resources.DataplaneSpec.Outbound;
import dev.ursa.mesh.resources.DataplaneSpec.Probes;
import dev.ursa.mesh.resources.DataplaneSpec.ServiceProbe;
import dev.ursa.mesh.resources.DataplaneSpec.TransparentProxying;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kuma 2.14's Dataplane rules ({@code dataplane_validator.go}), in Kuma's order and with Kuma's paths and messages:
 * admin port, then by kind (delegated gateway, builtin gateway, anything else) the gateway, networking (address,
 * inbounds, outbounds, reachable backends), probes, metrics and zone proxy listeners. Kuma's paths keep two quirks,
 * so that what a Kuma user (or tool) matches on is the same: reachable backends are reported under
 * {@code networking.transparentProxing} and a builtin gateway's probes under {@code networking.probes}. Ursa's own
 * additions (advertisedAddress, the admin and redirect port ranges, the kinds of JSON values) use the document's paths.
 * Fields the zone's xDS renderer does not use are accepted with a warning ({@link #notActedOn}).
 */
public final class DataplaneValidator implements SpecValidator<DataplaneSpec> {
    static final Set<String> PROTOCOLS = Set.of("tcp", "http", "http2", "grpc", "kafka"); // Kuma 2.14's SupportedProtocols
    private static final List<String> BACKEND_KINDS = List.of("MeshExternalService", "MeshMultiZoneService", "MeshService");
    private static final String LOOPBACK = "127.0.0.1";
    // Kuma's identifierRegexp and identifierErrMsg (meta_validator.go)
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final String IDENTIFIER_RULE = "invalid characters. A lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

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
            if (!spec.listeners().isEmpty()) out.add(net.field("listeners"), "listeners cannot be defined for delegated gateways");
            validateGateway(gateway, net.field("gateway"), out);
            validateNetworking(spec, net, out);
            validateProbes(spec.probes(), path.field("probes"), out);
        } else if (gateway != null) {
            if (!spec.inbounds().isEmpty()) out.add(net.field("inbound"), "inbound cannot be defined for builtin gateways");
            if (!spec.outbounds().isEmpty()) out.add(net.field("outbound"), "outbound cannot be defined for builtin gateways");
            if (!spec.listeners().isEmpty()) out.add(net.field("listeners"), "listeners cannot be defined for builtin gateways");
            if (spec.probes() != null) out.add(net.field("probes"), "probes cannot be defined for builtin gateways"); // Kuma's path
            validateGateway(gateway, net.field("gateway"), out);
            validateNetworking(spec, net, out);
        } else {
            // Kuma 2.14 lets a Dataplane have no inbound (transparent proxying, an outbound-only client, a zone proxy)
            validateNetworking(spec, net, out);
            validateProbes(spec.probes(), path.field("probes"), out);
            // Kuma checks a gateway's metrics and listeners no further than above: neither do we
            if (spec.metrics() != null) validateMetrics(spec.metrics(), path.field("metrics"), out);
            validateListeners(n, net.field("listeners"), out);
        }
        object(spec.envoy(), path.field("envoy"), out);
        notActedOn(spec, path, out);
    }

    /**
     * Kuma's {@code UsesInboundInterface} / {@code UsesOutboundInterface} for Envoy's admin listener on 127.0.0.1: an
     * inbound's listener (its address, else the Dataplane's) or its application (serviceAddress, else the listener's
     * address; servicePort, else port), or an outbound (address, else 127.0.0.1), on the admin port and an address that
     * overlaps loopback (equal, or a wildcard on either side).
     */
    private static void validateAdmin(DataplaneSpec spec, FieldPath net, Violations out) {
        if (spec.networking().admin() == null) return;
        Integer adminPort = spec.networking().admin().port();
        FieldPath p = net.field("admin").field("port");
        if (adminPort != null) Addresses.validatePort(adminPort, p, out); // Ursa's: Kuma takes any uint32
        int port = adminPort == null ? 0 : adminPort;
        boolean inboundClash = false;
        for (Inbound in : spec.inbounds()) {
            String listenerIp = set(in.address()) ? in.address() : spec.networking().address();
            String appIp = set(in.serviceAddress()) ? in.serviceAddress() : listenerIp;
            int appPort = in.servicePort() != null && in.servicePort() != 0 ? in.servicePort() : in.portOrZero();
            if ((port == in.portOrZero() && overlapsLoopback(listenerIp)) || (port == appPort && overlapsLoopback(appIp))) {
                inboundClash = true;
                break;
            }
        }
        boolean outboundClash = spec.outbounds().stream().anyMatch(o -> port == (o.port() == null ? 0 : o.port())
                && overlapsLoopback(set(o.address()) ? o.address() : LOOPBACK));
        if (inboundClash) out.add(p, "must differ from inbound");
        if (outboundClash) out.add(p, "must differ from outbound");
    }

    /** Kuma's {@code overlap(127.0.0.1, net.ParseIP(ip))}: a host name overlaps nothing. */
    private static boolean overlapsLoopback(String ip) {
        Optional<InetAddress> a = GoNet.parseIp(ip);
        return a.isPresent() && (a.get().isAnyLocalAddress() || a.get().getHostAddress().equals(LOOPBACK));
    }

    /** Kuma's {@code validateGateway}. */
    private static void validateGateway(Gateway gateway, FieldPath path, Violations out) {
        FieldPath tags = path.field("tags");
        Map<String, String> t = gateway.tagsOrEmpty();
        String protocol = t.get(Tags.PROTOCOL);
        if (protocol != null && !protocol.equals("tcp")) {
            out.add(tags.key(Tags.PROTOCOL), "other values than tcp are not allowed, provided value \"" + protocol + "\"");
        }
        Tags.validateTags(t, tags, out);
        // Kuma 2.14 lets a gateway without tags through (InboundTagsDisabled); Ursa's identities and endpoints need the service
        if (!t.containsKey(Tags.SERVICE)) out.add(tags, "mandatory tag \"kuma.io/service\" is missing");
    }

    /** Kuma's {@code validateNetworking}. */
    private static void validateNetworking(DataplaneSpec spec, FieldPath net, Violations out) {
        Networking n = spec.networking();
        Addresses.validateAddress(n.address(), net.field("address"), out);
        if (set(n.advertisedAddress()) && !Addresses.isIp(n.advertisedAddress()) && !Addresses.isDnsName(n.advertisedAddress())) {
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
        validateTransparentProxying(n.transparentProxying(), net, out);
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
        // Kuma 2.14 lets an inbound without tags through (InboundTagsDisabled); Ursa's endpoints and policies need the service
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

    /** Kuma's {@code validateTransparentProxying}, which reports under {@code transparentProxing} (sic). */
    private static void validateTransparentProxying(TransparentProxying tp, FieldPath net, Violations out) {
        if (tp == null) return;
        FieldPath own = net.field("transparentProxying");
        redirectPort(tp.redirectPortInbound(), own.field("redirectPortInbound"), out);
        redirectPort(tp.redirectPortOutbound(), own.field("redirectPortOutbound"), out);
        if (tp.reachableBackends() == null || tp.reachableBackends().refs() == null) return;
        var refs = tp.reachableBackends().refs();
        FieldPath kumas = net.field("transparentProxing").field("reachableBackends").field("refs");
        for (int i = 0; i < refs.size(); i++) {
            var ref = refs.get(i);
            FieldPath p = kumas.index(i);
            if (!knownBackendKind(ref.kind())) {
                out.add(p.field("kind"), "invalid value. Available values are: " + String.join(",", BACKEND_KINDS));
            }
            boolean labels = ref.labels() != null && !ref.labels().isEmpty();
            if (set(ref.name())) identifier(ref.name(), p.field("name"), out);
            if (!set(ref.name()) && !set(ref.namespace()) && !labels) out.add(p.field("name"), "name or labels are required");
            if (!set(ref.name()) && set(ref.namespace())) out.add(p.field("name"), "name is required, when namespace is defined");
            if ((set(ref.name()) || set(ref.namespace())) && labels) {
                out.add(p.field("labels"), "labels cannot be defined when name is specified");
            }
        }
    }

    /** Kuma's {@code validateIdentifier} with {@code identifierRegexp} of a non-empty name. */
    private static void identifier(String name, FieldPath path, Violations out) {
        if (name.length() > 253) {
            out.add(path, "value length must less or equal 253");
        } else if (!IDENTIFIER.matcher(name).matches()) {
            out.add(path, IDENTIFIER_RULE);
        }
    }

    /** Kuma's {@code validateProbes}: ports in range, paths that Go's {@code url.ParseRequestURI} accepts. */
    private static void validateProbes(Probes probes, FieldPath path, Violations out) {
        if (probes == null) return;
        Addresses.validatePort(probes.port(), path.field("port"), out);
        var endpoints = probes.endpointsOrEmpty();
        for (int i = 0; i < endpoints.size(); i++) {
            var e = endpoints.get(i);
            FieldPath at = path.field("endpoints").index(i);
            Addresses.validatePort(e.inboundPort(), at.field("inboundPort"), out);
            if (GoRequestUri.parse(e.inboundPath()).isEmpty()) out.add(at.field("inboundPath"), "should be a valid URL Path");
            if (GoRequestUri.parse(e.path()).isEmpty()) out.add(at.field("path"), "should be a valid URL Path");
        }
    }

    /** Kuma's {@code validateMetricsBackend}: only prometheus, its {@code conf} checked as a Mesh's prometheus backend's. */
    private static void validateMetrics(DataplaneSpec.Metrics metrics, FieldPath path, Violations out) {
        if (!"prometheus".equals(metrics.type())) {
            out.add(path.field("type"), "unknown backend type. Available backends: \"prometheus\"");
        } else {
            MeshBackendsValidator.prometheusConf(metrics.conf(), path.field("conf"), out);
        }
    }

    /**
     * Kuma's {@code validateListeners}: a type, an address and a port each; names unique across inbounds (an inbound
     * without a name counts as its port) and listeners; no two listeners, nor a listener and an inbound, on one
     * {@code address:port} (compared as written, as Kuma does).
     */
    private static void validateListeners(Networking n, FieldPath path, Violations out) {
        List<Listener> listeners = n.listeners() == null ? List.of() : n.listeners();
        if (listeners.isEmpty()) return;
        Set<String> names = new HashSet<>();
        List<Inbound> inbounds = n.inbound() == null ? List.of() : n.inbound();
        for (Inbound in : inbounds) names.add(set(in.name()) ? in.name() : Integer.toString(in.portOrZero()));
        Map<String, ListenerType> typeAt = new HashMap<>();
        for (int i = 0; i < listeners.size(); i++) {
            Listener l = listeners.get(i);
            FieldPath at = path.index(i);
            ListenerType type = l.type() == null ? ListenerType.Unspecified : l.type();
            if (type == ListenerType.Unspecified) out.add(at.field("type"), "type must be ZoneIngress or ZoneEgress");
            Addresses.validateAddress(l.address(), at.field("address"), out);
            Addresses.validatePort(l.port(), at.field("port"), out);
            if (set(l.name()) && !names.add(l.name())) {
                out.add(at.field("name"), "name \"" + l.name() + "\" must be unique across inbounds and listeners");
            }
            String key = (l.address() == null ? "" : l.address()) + ":" + (l.port() == null ? 0 : l.port());
            ListenerType existing = typeAt.putIfAbsent(key, type);
            if (existing == type) {
                out.add(at, "address:port " + key + " is already used by another listener");
            } else if (existing != null) {
                out.add(at, "address:port " + key + " is used by listeners of different types");
            }
            for (Inbound in : inbounds) {
                String inboundAddress = set(in.address()) ? in.address() : (n.address() == null ? "" : n.address());
                if ((inboundAddress + ":" + in.portOrZero()).equals(key)) {
                    out.add(at, "address:port " + key + " collides with an inbound listener");
                    break;
                }
            }
        }
    }

    /**
     * What Ursa keeps but the zone's xDS renderer does not use: accepted, and said so in the write's {@code Warning}
     * header (as {@link MeshValidator} does for a Mesh's sections).
     */
    private static void notActedOn(DataplaneSpec spec, FieldPath path, Violations out) {
        FieldPath net = path.field("networking");
        Networking n = spec.networking();
        if (!spec.listeners().isEmpty()) {
            out.warn(net.field("listeners"), "zone proxy listeners have no effect in Ursa yet (a zone's ingress is a ZoneIngress"
                    + " served to Ursa's ingress-gateway; there is no zone egress)");
        }
        if (n.gateway() != null && n.gateway().typeOrDefault() == GatewayType.BUILTIN) {
            out.warn(net.field("gateway").field("type"), "builtin gateways have no effect in Ursa yet (no MeshGateway): the proxy gets no listeners");
        }
        if (n.transparentProxying() != null) {
            out.warn(net.field("transparentProxying"), "has no effect in Ursa yet (no transparent proxying: a sidecar gets a"
                    + " listener per declared outbound)");
        }
        if (n.admin() != null) {
            out.warn(net.field("admin"), "has no effect in Ursa (the Envoy bootstrap, which you write, sets the admin address)");
        }
        List<Inbound> inbounds = spec.inbounds();
        for (int i = 0; i < inbounds.size(); i++) {
            if (inbounds.get(i).serviceProbe() != null) {
                out.warn(net.field("inbound").index(i).field("serviceProbe"), "has no effect in Ursa yet (no health checks of"
                        + " the application: set health.ready)");
            }
        }
        if (spec.metrics() != null) {
            out.warn(path.field("metrics"), "has no effect in Ursa yet (Kuma's kuma-dp serves it; Ursa renders no metrics listener)");
        }
        if (spec.probes() != null) {
            out.warn(path.field("probes"), "virtual probes have no effect in Ursa (Kuma's kuma-dp serves them)");
        }
        if (spec.envoy() != null) {
            out.warn(path.field("envoy"), "has no effect in Ursa");
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
