package dev.ursa.sync.peer;

/** The KDS streams: the two named by where resources flow, and the global's questions to the zone. */
public enum Direction {
    GLOBAL_TO_ZONE,
    ZONE_TO_GLOBAL,
    /** Requests from the global, answers from the zone ({@link ZoneInspections}). */
    INSPECT
}
