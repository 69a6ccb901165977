package dev.ursa.global.events;

import dev.ursa.mesh.store.ChangeEvent;

/** What the export has accepted and not yet handed to Kafka: a store change (enriched when sent) or a zone transition. */
sealed interface SourceEvent {
    record StoreChange(ChangeEvent change) implements SourceEvent {
    }

    record ZoneTransition(ZoneConnectivityChanged transition) implements SourceEvent {
    }
}
