package dev.ursa.global.events;

import dev.ursa.mesh.model.ReservedLabels;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;

import java.util.Optional;

/**
 * Turns source events into Kafka records (schema in docs/events.md). Output depends only on the change and the stored
 * resource, never on the instance, so two instances publishing the same change produce the same {@code id}.
 */
final class EventEncoder {
    /** Label naming the zone a resource comes from (set on zone-synced resources). */
    static final String ZONE_LABEL = ReservedLabels.ZONE;
    static final int SCHEMA = 1;

    /** One record to send: Kafka key, the event's id (for logs) and the JSON value. */
    record Outgoing(String key, String id, byte[] value) {
    }

    /** Kafka key of a resource: {@code type/mesh/name} (mesh empty for global-scoped types), so events are ordered per resource. */
    static String key(ResourceKey key) {
        return key.type() + "/" + key.mesh() + "/" + key.name();
    }

    /** Kafka key of a zone's connectivity events, ordered per zone and apart from the Zone resource's own key. */
    static String zoneKey(String zone) {
        return "ZoneConnectivity//" + zone;
    }

    /**
     * A resource change. {@code current} is what the store holds when the event is sent: its labels and spec are included
     * only if it still is the version the change produced; otherwise the event is marked {@code superseded} (a later
     * event of the same key carries the newer state).
     */
    static Outgoing resourceChanged(ChangeEvent change, Optional<Resource> current) {
        ResourceKey k = change.key();
        String id = key(k) + ":" + change.kind() + ":" + change.version() + ":" + change.at();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("schema", SCHEMA);
        n.put("id", id);
        n.put("event", "ResourceChanged");
        n.put("kind", change.kind().name());
        n.put("type", k.type());
        if (!k.mesh().isEmpty()) n.put("mesh", k.mesh());
        n.put("name", k.name());
        n.put("version", change.version());
        n.put("at", change.at().toString());
        if (change.kind() != ChangeKind.DELETED) {
            Optional<Resource> same = current.filter(r -> r.meta().version() == change.version());
            n.put("superseded", same.isEmpty());
            same.ifPresent(r -> {
                String zone = r.meta().labels().get(ZONE_LABEL);
                if (zone != null) n.put("zone", zone);
                ObjectNode labels = n.putObject("labels");
                r.meta().labels().forEach(labels::put);
                n.set("spec", ResourceCodec.specToJson(r.spec()));
            });
        }
        return new Outgoing(key(k), id, bytes(n));
    }

    static Outgoing zoneConnectivity(ZoneConnectivityChanged z) {
        String id = zoneKey(z.zone()) + ":" + (z.online() ? "ONLINE" : "OFFLINE") + ":" + z.at();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("schema", SCHEMA);
        n.put("id", id);
        n.put("event", "ZoneConnectivityChanged");
        n.put("zone", z.zone());
        n.put("online", z.online());
        n.put("at", z.at().toString());
        return new Outgoing(zoneKey(z.zone()), id, bytes(n));
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return Json.JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event JSON", e);
        }
    }

    private EventEncoder() {
    }
}
