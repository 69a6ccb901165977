package dev.ursa.mesh.crosszone;

/**
 * The xDS contract between a zone CP and its zone ingresses, named once for both ends (zone-cp renders it,
 * ingress-gateway reads it).
 *
 * <h2>Node</h2>
 * An ingress connects with node id {@code ingress/<name>} ({@link #NODE_ID_PREFIX}); a dataplane node id is
 * {@code <mesh>.<name>} and a mesh name never holds {@code /}, so the two can never collide. Its node metadata holds a
 * struct under {@link #NODE_METADATA} with the string fields {@code address}, {@code advertisedAddress} and the number
 * fields {@code port}, {@code advertisedPort}: the ZoneIngress networking the zone CP registers.
 *
 * <h2>Resources</h2>
 * The ingress subscribes to CDS only (wildcard). One Cluster per (mesh, service) with local endpoints: named by
 * {@link CrossZoneNames#sni}, type STATIC with its endpoints inline in {@code load_assignment} (address:port of each
 * ready inbound, with its weight), and {@code metadata.filter_metadata[}{@link #CLUSTER_METADATA}{@code ]} =
 * {@code {mesh, service, sni, authorities: [..]}}: the TLS SNI and the HTTP/2 authorities routed to it.
 */
public final class IngressXds {
    public static final String NODE_ID_PREFIX = "ingress/";
    public static final String NODE_METADATA = "ursa.io/ingress";
    public static final String CLUSTER_METADATA = "ursa.io/ingress";

    private IngressXds() {
    }

    public static String nodeId(String ingressName) {
        return NODE_ID_PREFIX + ingressName;
    }
}
