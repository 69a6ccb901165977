package dev.ursa.mesh.resources;

import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.resources.ZoneIngressSpec.AvailableService;
import dev.ursa.mesh.resources.ZoneIngressSpec.Networking;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.List;

/**
 * Kuma 2.14's ZoneIngress rules ({@code zone_ingress_validator.go}). Kuma reports available services under
 * {@code availableService[i]}; we use the document's real field name, {@code availableServices[i]}.
 */
public final class ZoneIngressValidator implements SpecValidator<ZoneIngressSpec> {
    /** Far above any real zone; the count becomes an endpoint weight, so it must stay far from int overflow. */
    public static final int MAX_INSTANCES = 1_000_000;
    @Override
    public void validate(ZoneIngressSpec spec, FieldPath path, Violations out) {
        FieldPath net = path.field("networking");
        Networking n = spec.networking();
        if (n == null) {
            out.add(net, "must be defined");
        } else {
            validateNetworking(n, net, out);
        }
        if (spec.zone() != null && !spec.zone().isEmpty() && !Tags.isValidName(spec.zone())) {
            out.add(path.field("zone"), Tags.NAME_RULE);
        }
        List<AvailableService> services = spec.services();
        for (int i = 0; i < services.size(); i++) {
            AvailableService s = services.get(i);
            FieldPath p = path.field("availableServices").index(i);
            Tags.validateTags(s.tags(), p.field("tags"), out);
            if (!s.tagsOrEmpty().containsKey(Tags.SERVICE)) out.add(p.field("tags"), "mandatory tag \"kuma.io/service\" is missing");
            if (s.instances() != null && s.instances() < 0) out.add(p.field("instances"), "must not be negative");
            if (s.instances() != null && s.instances() > MAX_INSTANCES) out.add(p.field("instances"), "must be at most " + MAX_INSTANCES);
            if (s.mesh() != null && !s.mesh().isEmpty() && !Tags.isValidName(s.mesh())) out.add(p.field("mesh"), Tags.NAME_RULE);
        }
    }

    private static void validateNetworking(Networking n, FieldPath net, Violations out) {
        boolean advAddress = n.advertisedAddress() != null && !n.advertisedAddress().isEmpty();
        boolean advPort = n.advertisedPort() != null && n.advertisedPort() != 0;
        if (!advAddress && advPort) out.add(net.field("advertisedAddress"), "has to be defined with advertisedPort");
        if (!advPort && advAddress) out.add(net.field("advertisedPort"), "has to be defined with advertisedAddress");
        if (n.address() != null && !n.address().isEmpty()) Addresses.validateAddress(n.address(), net.field("address"), out);
        if (advAddress) Addresses.validateAddress(n.advertisedAddress(), net.field("advertisedAddress"), out);
        Addresses.validatePort(n.port(), net.field("port"), out);
        if (n.advertisedPort() != null && n.advertisedPort() != 0) {
            Addresses.validatePort(n.advertisedPort(), net.field("advertisedPort"), out);
        }
        if (n.admin() != null && n.admin().port() != null) {
            FieldPath p = net.field("admin").field("port");
            Addresses.validatePort(n.admin().port(), p, out);
            if (n.admin().port().equals(n.port())) out.add(p, "must differ from port");
        }
    }
}
