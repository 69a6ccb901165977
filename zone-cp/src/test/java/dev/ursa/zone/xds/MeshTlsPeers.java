package dev.ursa.zone.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.testsupport.TlsPeers;
import dev.ursa.testsupport.TlsPeers.Material;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a sidecar is handed, read the way Envoy reads it: its SDS secrets as {@link TlsPeers.Material} for the JDK's TLS
 * peers, the SAN matchers of its TLS contexts, and the RBAC decision of its inbound listener.
 */
final class MeshTlsPeers {
    static final String SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

    private MeshTlsPeers() {
    }

    /** A sidecar's TLS material, from one SDS response (identity and CA secrets). */
    static Material material(DiscoveryResponse sds) {
        String cert = null;
        String key = null;
        String trusted = null;
        for (var any : sds.getResourcesList()) {
            Secret s;
            try {
                s = any.unpack(Secret.class);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
            if (s.hasTlsCertificate()) {
                cert = s.getTlsCertificate().getCertificateChain().getInlineBytes().toString(StandardCharsets.US_ASCII);
                key = s.getTlsCertificate().getPrivateKey().getInlineBytes().toString(StandardCharsets.US_ASCII);
            } else if (s.hasValidationContext()) {
                trusted = s.getValidationContext().getTrustedCa().getInlineBytes().toString(StandardCharsets.US_ASCII);
            }
        }
        if (cert == null || trusted == null) throw new AssertionError("SDS response without identity and CA secrets: " + sds);
        return Material.of(cert, key, trusted);
    }

    /** A call checking the server's SAN with an Envoy string matcher. */
    static String call(Material client, InetSocketAddress server, StringMatcher expectedServerSan, String line) throws IOException {
        return TlsPeers.call(client, server, null, u -> matches(expectedServerSan, u), line);
    }

    static boolean matches(StringMatcher m, String value) {
        return switch (m.getMatchPatternCase()) {
            case EXACT -> value.equals(m.getExact());
            case PREFIX -> value.startsWith(m.getPrefix());
            case SUFFIX -> value.endsWith(m.getSuffix());
            case CONTAINS -> value.contains(m.getContains());
            default -> throw new IllegalArgumentException("matcher not evaluated here: " + m);
        };
    }

    /** Envoy's RBAC decision (permissions "any", as Ursa renders them) for a peer with these URI SANs. */
    static boolean allowed(RBAC rbac, List<String> peerUris) {
        boolean matched = rbac.getPoliciesMap().values().stream().anyMatch(p -> p.getPrincipalsList().stream().anyMatch(pr -> principal(pr, peerUris)));
        return rbac.getAction() == RBAC.Action.ALLOW ? matched : !matched;
    }

    private static boolean principal(Principal p, List<String> uris) {
        return switch (p.getIdentifierCase()) {
            case ANY -> p.getAny();
            case AUTHENTICATED -> uris.stream().anyMatch(u -> matches(p.getAuthenticated().getPrincipalName(), u));
            case AND_IDS -> p.getAndIds().getIdsList().stream().allMatch(x -> principal(x, uris));
            case OR_IDS -> p.getOrIds().getIdsList().stream().anyMatch(x -> principal(x, uris));
            case NOT_ID -> !principal(p.getNotId(), uris);
            default -> throw new IllegalArgumentException("principal not evaluated here: " + p);
        };
    }
}
