package dev.ursa.mesh.policy.common;

/** Kuma 2.14 targetRef kinds. {@link #specificity()} orders policies: a more specific kind wins when merging. */
public enum TargetRefKind {
    Mesh(0),
    MeshSubset(1),
    MeshGateway(2),
    MeshService(3),
    MeshExternalService(3),
    MeshMultiZoneService(3),
    MeshServiceSubset(4),
    Dataplane(5),
    MeshHTTPRoute(6);

    private final int specificity;

    TargetRefKind(int specificity) {
        this.specificity = specificity;
    }

    public int specificity() {
        return specificity;
    }
}
