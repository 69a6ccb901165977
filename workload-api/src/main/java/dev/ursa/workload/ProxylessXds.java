package dev.ursa.workload;

/**
 * The names a zone CP's xDS configuration and a proxyless workload's bootstrap (written by ursa-agent) must agree on:
 * grpc-java resolves TLS contexts' certificate provider instances against its bootstrap (gRFC A29) and asks for its
 * server listener by the bootstrap's template (gRFC A36).
 */
public final class ProxylessXds {
    /** The certificate provider instance (plugin {@code file_watcher}) every proxyless TLS context names. */
    public static final String CERTIFICATE_PROVIDER_INSTANCE = "ursa";
    /** The bootstrap's {@code server_listener_resource_name_template}; grpc-java puts {@code <ip>:<port>} for {@code %s}. */
    public static final String SERVER_LISTENER_TEMPLATE = "grpc/server?xds.resource.listening_address=%s";

    private ProxylessXds() {
    }
}
