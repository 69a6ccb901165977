package dev.ursa.zone.xds;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;

import java.util.Locale;
import java.util.Optional;

/** Which kind of xDS client a node is, and so which shape of configuration it gets. */
public enum Flavour {
    /** An Envoy sidecar: inbound and outbound listeners, clusters, EDS, RBAC. */
    ENVOY,
    /** A proxyless gRPC client (grpc-java, grpc-js): one API listener per service, resolved as {@code xds:///<service>}. */
    PROXYLESS;

    /** Node metadata key that picks the flavour explicitly: {@code "envoy"} or {@code "proxyless"}. */
    public static final String METADATA_KEY = "ursa.io/flavour";

    /**
     * The flavour a node asks for in its metadata ({@link #METADATA_KEY}); without it, proxyless when the user agent is
     * a gRPC library ("gRPC Java", "gRPC Node Pure JS", ...), else Envoy.
     */
    public static Flavour of(Node node) {
        Value v = node.getMetadata().getFieldsOrDefault(METADATA_KEY, null);
        if (v != null && v.hasStringValue()) {
            return parse(v.getStringValue()).orElseThrow(() -> new IllegalArgumentException(
                    "node metadata \"" + METADATA_KEY + "\" must be \"envoy\" or \"proxyless\", got \"" + v.getStringValue() + "\""));
        }
        return node.getUserAgentName().toLowerCase(Locale.ROOT).contains("grpc") ? PROXYLESS : ENVOY;
    }

    public static Optional<Flavour> parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "envoy" -> Optional.of(ENVOY);
            case "proxyless", "grpc" -> Optional.of(PROXYLESS);
            default -> Optional.empty();
        };
    }
}
