package dev.ursa.bench;

/** The global-cp stores a run can measure ({@code ursa.store.type}). */
public enum StoreKind { memory, postgres }
