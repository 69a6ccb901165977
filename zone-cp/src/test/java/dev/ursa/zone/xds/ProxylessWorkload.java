package dev.ursa.zone.xds;

import com.google.protobuf.ByteString;
import dev.ursa.testsupport.XdsBootstrap;
import dev.ursa.workload.v1.SignRequest;
import dev.ursa.workload.v1.SignResponse;
import dev.ursa.workload.v1.WorkloadCertificatesGrpc;
import dev.ursa.zone.xds.mtls.ProxylessTls;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxyless gRPC workload's side of mesh mTLS, as ursa-agent does it, for tests: its own EC key, a CSR signed through
 * the zone's workload certificate service with its dataplane token, the files grpc's {@code file_watcher} plugin
 * reads, and the xDS bootstrap naming them (each workload its own, registered per resolver scheme).
 */
final class ProxylessWorkload {
    private static final AtomicInteger SCHEMES = new AtomicInteger();

    final String nodeId;
    final String token;
    final Path dir;

    ProxylessWorkload(String nodeId, String token, Path dir) {
        this.nodeId = nodeId;
        this.token = token;
        this.dir = dir;
    }

    /** Generates a key, has it signed by the zone at {@code xdsPort}, writes cert.pem, key.pem, ca.pem. */
    SignResponse certify(int xdsPort) throws Exception {
        KeyPair pair = ecKey();
        SignResponse signed = sign(xdsPort, token, nodeId, csr(pair));
        Files.writeString(dir.resolve("key.pem"), pkcs8Pem(pair));
        Files.writeString(dir.resolve("cert.pem"), signed.getCertificateChainPem());
        Files.writeString(dir.resolve("ca.pem"), signed.getTrustBundlePem());
        return signed;
    }

    static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static byte[] csr(KeyPair pair) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=workload"), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
    }

    /** One Sign call; throws the call's status. */
    static SignResponse sign(int xdsPort, String token, String nodeId, byte[] csr) {
        ManagedChannel ch = Grpc.newChannelBuilder("127.0.0.1:" + xdsPort, InsecureChannelCredentials.create()).build();
        try {
            return WorkloadCertificatesGrpc.newBlockingStub(ch).withCallCredentials(bearer(token)).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .sign(SignRequest.newBuilder().setNodeId(nodeId).setCsr(ByteString.copyFrom(csr)).build());
        } finally {
            ch.shutdownNow();
        }
    }

    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(m);
            }
        };
    }

    private static String pkcs8Pem(KeyPair pair) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** The bootstrap ursa-agent writes: ADS at the zone, the token, the file_watcher provider, the server listener template. */
    Map<String, ?> bootstrap(int xdsPort) {
        return Map.of(
                "xds_servers", List.of(Map.of("server_uri", "127.0.0.1:" + xdsPort,
                        "channel_creds", List.of(Map.of("type", "insecure")), "server_features", List.of("xds_v3"))),
                "node", Map.of("id", nodeId, "metadata", Map.of(XdsBootstrap.DATAPLANE_TOKEN, token, Flavour.METADATA_KEY, "proxyless")),
                "certificate_providers", Map.of(ProxylessTls.PROVIDER_INSTANCE, Map.of("plugin_name", "file_watcher", "config", Map.of(
                        "certificate_file", dir.resolve("cert.pem").toString(),
                        "private_key_file", dir.resolve("key.pem").toString(),
                        "ca_certificate_file", dir.resolve("ca.pem").toString(),
                        "refresh_interval", "1s"))),
                "server_listener_resource_name_template", ProxylessTls.LISTENER_TEMPLATE);
    }

    /** A client channel to {@code xds:///<service>} with xDS security (TLS as the zone configures it). */
    ManagedChannel channel(int xdsPort, String service) {
        String scheme = "xds-workload-" + SCHEMES.incrementAndGet();
        NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, bootstrap(xdsPort)));
        return Grpc.newChannelBuilder(scheme + ":///" + service, XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
    }
}
