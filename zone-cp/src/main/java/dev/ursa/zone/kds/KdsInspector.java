package dev.ursa.zone.kds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.cp.api.NotFoundException;
import dev.ursa.sync.inspect.v1.InspectRequest;
import dev.ursa.sync.inspect.v1.InspectResponse;
import dev.ursa.sync.peer.KdsZoneClient;
import dev.ursa.zone.xds.DataplaneInspection;

/**
 * The zone's answers on KDS's Inspect stream: the same documents as its own {@code _config} and {@code _policies}
 * ({@link DataplaneInspection}), as JSON, or the status and reason the REST API would answer with. Stateless.
 */
final class KdsInspector implements KdsZoneClient.Inspector {
    private final DataplaneInspection inspection;

    KdsInspector(DataplaneInspection inspection) {
        this.inspection = inspection;
    }

    @Override
    public InspectResponse answer(InspectRequest q) {
        String flavour = q.getFlavour().isEmpty() ? null : q.getFlavour();
        try {
            ObjectNode body = switch (q.getKind()) {
                case CONFIG -> inspection.config(q.getMesh(), q.getDataplane(), flavour);
                case POLICIES -> inspection.policies(q.getMesh(), q.getDataplane(), flavour);
                case KIND_UNSPECIFIED, UNRECOGNIZED -> null;
            };
            if (body == null) return refusal(400, "unknown inspect kind " + q.getKindValue() + " (this zone CP knows CONFIG and POLICIES)");
            return InspectResponse.newBuilder().setStatus(200).setJson(body.toString()).build();
        } catch (NotFoundException e) {
            return refusal(404, e.getMessage());
        }
    }

    private static InspectResponse refusal(int status, String why) {
        return InspectResponse.newBuilder().setStatus(status).setError(why).build();
    }
}
