package dev.ursa.sync;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec;

import java.util.function.UnaryOperator;

/**
 * What the global does with a resource a zone sends over KDS before storing it: the zone's identity is the one its
 * token proved, never what the payload says. A resource that claims another zone (label {@code kuma.io/zone}, a
 * ZoneIngress's {@code spec.zone}, a Dataplane inbound's {@code kuma.io/zone} tag) is refused (NACKed with the reason,
 * nothing stored); a ZoneIngress without {@code spec.zone} gets the authenticated zone. The label itself is set by the
 * sink. Stateless.
 */
final class ZoneStamp implements UnaryOperator<Resource> {
    private final String zone;

    ZoneStamp(String zone) {
        this.zone = zone;
    }

    @Override
    public Resource apply(Resource r) {
        String label = r.meta().labels().get(KdsTypes.ZONE_LABEL);
        if (label != null && !label.equals(zone)) refuse("label " + KdsTypes.ZONE_LABEL + "=" + label);
        if (r.type() == ResourceTypes.ZONE_INGRESS) {
            ZoneIngressSpec spec = r.spec(ZoneIngressSpec.class);
            if (spec.zone() == null || spec.zone().isEmpty()) {
                return new Resource(r.type(), r.meta(), new ZoneIngressSpec(zone, spec.networking(), spec.availableServices()));
            }
            if (!spec.zone().equals(zone)) refuse("spec.zone " + spec.zone());
        }
        if (r.type() == ResourceTypes.DATAPLANE) {
            for (DataplaneSpec.Inbound in : r.spec(DataplaneSpec.class).inbounds()) {
                String tag = in.tagsOrEmpty().get(Tags.ZONE);
                if (tag != null && !tag.equals(zone)) refuse("inbound tag " + Tags.ZONE + "=" + tag);
            }
        }
        return r;
    }

    private void refuse(String claim) {
        throw new IllegalArgumentException("zone " + zone + " cannot write a resource of another zone (" + claim + ")");
    }
}
