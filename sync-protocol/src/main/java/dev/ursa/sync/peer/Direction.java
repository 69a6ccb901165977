package dev.ursa.sync.peer;

/** The two KDS streams, named by where resources flow. */
public enum Direction {
    GLOBAL_TO_ZONE,
    ZONE_TO_GLOBAL
}
