package dev.ursa.zone.xds.mtls;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The SDS side of mesh mTLS, named as Kuma names it: every sidecar of mesh M gets two secrets on its ADS stream,
 * {@code identity_cert:secret:M} (its certificate and key) and {@code mesh_ca:secret:M} (the CAs it trusts). Listeners
 * and clusters only name them, so a certificate rotation or a CA switch pushes secrets and rebuilds nothing else.
 */
public final class Sds {
    private Sds() {
    }

    public static String identitySecret(String mesh) {
        return "identity_cert:secret:" + mesh;
    }

    public static String caSecret(String mesh) {
        return "mesh_ca:secret:" + mesh;
    }

    /** The node's two secrets, sorted by name (objects built once per certificate and per mesh generation). */
    public static List<Secret> secrets(WorkloadCertificate cert, MeshTrust trust) {
        return List.of(cert.secret(), trust.caSecret());
    }

    /** Their version: the certificate's serial and the trust bundle's issuer and content, without hashing the secrets. */
    public static String version(WorkloadCertificate cert, MeshTrust trust) {
        return cert.serial() + "-" + trust.issuerId() + "-" + Integer.toHexString(trust.trustBundlePem().hashCode());
    }

    static Secret identity(String mesh, String certificatePem, String keyPem) {
        return Secret.newBuilder().setName(identitySecret(mesh)).setTlsCertificate(TlsCertificate.newBuilder()
                .setCertificateChain(inline(certificatePem)).setPrivateKey(inline(keyPem))).build();
    }

    static Secret trustedCas(String mesh, String bundlePem) {
        return Secret.newBuilder().setName(caSecret(mesh)).setValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(inline(bundlePem))).build();
    }

    private static DataSource inline(String pem) {
        return DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(pem, StandardCharsets.US_ASCII)).build();
    }

    /**
     * The TLS context both directions share: the node's certificate, and peers validated against the mesh CAs with a
     * SAN matcher ({@code spiffe://M/} prefix on inbounds: any workload of the mesh; the exact SPIFFE ID of the
     * destination service on outbounds).
     */
    public static CommonTlsContext.Builder common(String mesh, StringMatcher peerSan, TlsParameters params) {
        CommonTlsContext.Builder c = CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(sds(identitySecret(mesh)))
                .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                        .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                                .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                                        .setSanType(SubjectAltNameMatcher.SanType.URI).setMatcher(peerSan)))
                        .setValidationContextSdsSecretConfig(sds(caSecret(mesh))));
        if (params != null && !params.equals(TlsParameters.getDefaultInstance())) c.setTlsParams(params);
        return c;
    }

    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance()).setResourceApiVersion(ApiVersion.V3)).build();
    }

    /** Kuma's SNI of a service inside its zone: {@code <service>{mesh=<mesh>}}. */
    public static String localSni(String mesh, String service) {
        return service + "{mesh=" + mesh + "}";
    }
}
