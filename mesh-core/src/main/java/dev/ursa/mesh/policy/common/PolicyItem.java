package dev.ursa.mesh.policy.common;

/** One {@code to} or {@code from} entry: where it applies and its {@code default} configuration (merged by the matcher). */
public interface PolicyItem {
    TargetRef targetRef();

    /** The entry's {@code default} block; null when the entry has none. */
    Object conf();
}
