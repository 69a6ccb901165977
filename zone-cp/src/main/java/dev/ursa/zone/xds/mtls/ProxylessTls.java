package dev.ursa.zone.xds.mtls;

import com.google.protobuf.BoolValue;
import dev.ursa.mesh.crosszone.CrossZoneNames;
import dev.ursa.workload.ProxylessXds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Mesh mTLS for proxyless gRPC (gRFC A29): grpc-java cannot take certificates over SDS, so TLS contexts name a
 * certificate provider instance of the workload's bootstrap, {@value #PROVIDER_INSTANCE}, whose {@code file_watcher}
 * plugin reads the files ursa-agent keeps fresh (the key never leaves the workload). Servers built with
 * {@code XdsServerBuilder} ask for their listener by the bootstrap's {@value #LISTENER_TEMPLATE} template.
 */
public final class ProxylessTls {
    /** The certificate provider instance every proxyless TLS context names (ursa-agent writes it into the bootstrap). */
    public static final String PROVIDER_INSTANCE = ProxylessXds.CERTIFICATE_PROVIDER_INSTANCE;
    /** The bootstrap's {@code server_listener_resource_name_template}; {@code %s} is {@code <ip>:<port>}. */
    public static final String LISTENER_TEMPLATE = ProxylessXds.SERVER_LISTENER_TEMPLATE;

    private ProxylessTls() {
    }

    /** The listener an {@code XdsServerBuilder.forPort(port)} server asks for (grpc-java listens on 0.0.0.0). */
    public static String serverListenerName(int port) {
        return LISTENER_TEMPLATE.replace("%s", "0.0.0.0:" + port);
    }

    /**
     * A client's TLS to {@code service}: its certificate, the mesh CAs, and the destination must prove it is the service
     * (exact SPIFFE ID). The SNI is the service's cross-zone name: an ingress passes the connection through by it, end to
     * end to the destination (grpc-java sets {@code sni} since 1.79); a local server ignores it.
     */
    @SuppressWarnings("deprecation") // grpc-java 1.79 reads match_subject_alt_names, not the typed matchers
    public static UpstreamTlsContext upstream(String mesh, String service) {
        return UpstreamTlsContext.newBuilder().setSni(CrossZoneNames.sni(mesh, service))
                .setCommonTlsContext(common(CertificateValidationContext.newBuilder().addMatchSubjectAltNames(
                        StringMatcher.newBuilder().setExact(WorkloadIdentity.spiffeId(mesh, service)))))
                .build();
    }

    /**
     * A server's TLS: its certificate, clients validated against the mesh CAs (gRPC allows no SAN matcher here:
     * MeshTrafficPermission decides on the client's identity). STRICT requires a client certificate; PERMISSIVE takes
     * TLS without one too (a gRPC server cannot tell plaintext from TLS on one port, so plaintext is refused in both).
     */
    public static DownstreamTlsContext downstream(boolean requireClientCertificate) {
        return DownstreamTlsContext.newBuilder().setRequireClientCertificate(BoolValue.of(requireClientCertificate))
                .setCommonTlsContext(common(CertificateValidationContext.newBuilder())).build();
    }

    private static CommonTlsContext common(CertificateValidationContext.Builder validation) {
        return CommonTlsContext.newBuilder()
                .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                        .setInstanceName(PROVIDER_INSTANCE).setCertificateName("default"))
                .setValidationContext(validation.setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                        .setInstanceName(PROVIDER_INSTANCE).setCertificateName("ROOTCA")))
                .build();
    }
}
