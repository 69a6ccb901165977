package dev.ursa.zone.xds;

import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.CallerIdentityEcho;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.workload.v1.SignResponse;
import dev.ursa.zone.xds.mtls.MeshTrust;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proxyless gRPC with mesh mTLS against the running zone: workloads get their own keys signed through the workload
 * certificate service (with their dataplane tokens), a real grpc-java xDS server (XdsServerBuilder) and a real xDS
 * client channel take their TLS and RBAC from the zone's LDS/CDS, and MeshTrafficPermission flips new calls.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class ProxylessMtlsTest {
    static final String MESH = "proxyless-mtls";
    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    XdsEngine engine;
    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private int serverPort;

    @BeforeEach
    void meshWithMtls() throws Exception {
        RestAssuredYaml.enable();
        put("/meshes/" + MESH, """
                type: Mesh
                name: %s
                mtls:
                  enabledBackend: ca-1
                  backends:
                    - name: ca-1
                      type: builtin
                """.formatted(MESH));
        Await.until("the mesh CA reaches the xDS engine", WAIT,
                () -> engine.meshTrust(MESH).filter(s -> s instanceof MeshTrust.Ready).isPresent());
        serverPort = freePort();
        put("/meshes/" + MESH + "/dataplanes/backend-1", dataplane("backend-1", "backend", serverPort));
        put("/meshes/" + MESH + "/dataplanes/frontend-1", dataplane("frontend-1", "frontend", freePort()));
        Await.until("the zone sees both Dataplanes", WAIT, () -> engine.registeredDataplane(new NodeId(MESH, "backend-1")).isPresent()
                && engine.registeredDataplane(new NodeId(MESH, "frontend-1")).isPresent());
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
        given().delete("/meshes/" + MESH + "/meshtrafficpermissions/backend-callers");
        given().delete("/meshes/" + MESH + "/dataplanes/backend-1");
        given().delete("/meshes/" + MESH + "/dataplanes/frontend-1");
        given().delete("/meshes/" + MESH);
    }

    @Test
    void callsAreMutualTlsTheServerSeesTheClientIdentityAndTrafficPermissionsFlipNewCalls() throws Exception {
        ProxylessWorkload backend = workload("backend-1");
        ProxylessWorkload frontend = workload("frontend-1");
        SignResponse signed = backend.certify(XdsTestPort.port());
        frontend.certify(XdsTestPort.port());
        assertThat(signed.getIdentitiesList()).contains("spiffe://" + MESH + "/backend", "kuma://kuma.io/service/backend");
        assertThat(signed.getRenewAfter().getSeconds()).isBetween(signed.getNotBefore().getSeconds(), signed.getNotAfter().getSeconds());

        startServer(backend);
        ManagedChannel channel = frontend.channel(XdsTestPort.port(), "backend");
        closing.add(channel::shutdownNow);
        Await.until("a call over mesh mTLS succeeds", WAIT, () -> succeeds(channel));
        assertThat(EchoBackend.call(channel, "hello")).isEqualTo("spiffe://" + MESH + "/frontend hello");

        // The server's listener requires TLS: a plaintext client gets nowhere.
        ManagedChannel plaintext = Grpc.newChannelBuilder("127.0.0.1:" + serverPort, InsecureChannelCredentials.create()).build();
        closing.add(plaintext::shutdownNow);
        assertThatThrownBy(() -> EchoBackend.call(plaintext, "hello")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        long t0 = System.nanoTime();
        put("/meshes/" + MESH + "/meshtrafficpermissions/backend-callers", permission("Deny"));
        Await.until("new calls are denied", Duration.ofSeconds(10), () -> code(channel) == Status.Code.PERMISSION_DENIED);
        Duration denied = Duration.ofNanos(System.nanoTime() - t0);

        t0 = System.nanoTime();
        put("/meshes/" + MESH + "/meshtrafficpermissions/backend-callers", permission("Allow"));
        Await.until("new calls are allowed again", Duration.ofSeconds(10), () -> code(channel) == Status.Code.OK);
        Duration allowed = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(List.of(denied, allowed)).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(10)));
    }

    @Test
    void theCertificateServiceSignsOnlyForTheTokensNodeWithItsDataplanesIdentity() throws Exception {
        int port = XdsTestPort.port();
        String frontendToken = TestTokens.dataplane(MESH, "frontend-1");
        byte[] csr = ProxylessWorkload.csr(ProxylessWorkload.ecKey());

        assertThat(refusal(() -> ProxylessWorkload.sign(port, "not-a-token", MESH + ".frontend-1", csr)).getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        Status other = refusal(() -> ProxylessWorkload.sign(port, frontendToken, MESH + ".backend-1", csr));
        assertThat(other.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(other.getDescription()).contains("backend-1").doesNotContain(frontendToken);
        Status garbage = refusal(() -> ProxylessWorkload.sign(port, frontendToken, MESH + ".frontend-1", "garbage".getBytes(StandardCharsets.UTF_8)));
        assertThat(garbage.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(garbage.getDescription()).contains("csr");
        // a CSR carrying one key but signed with another proves nothing
        KeyPair a = ProxylessWorkload.ecKey();
        KeyPair b = ProxylessWorkload.ecKey();
        byte[] forged = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(new org.bouncycastle.asn1.x500.X500Name("CN=x"), a.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(b.getPrivate())).getEncoded();
        Status forgedRefusal = refusal(() -> ProxylessWorkload.sign(port, frontendToken, MESH + ".frontend-1", forged));
        assertThat(forgedRefusal.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(forgedRefusal.getDescription()).contains("signature");

        // The identity is the Dataplane's, whatever the CSR's subject says.
        SignResponse ok = ProxylessWorkload.sign(port, frontendToken, MESH + ".frontend-1", csr);
        X509Certificate cert = certificate(ok.getCertificateChainPem());
        TreeSet<String> uris = new TreeSet<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) if ((Integer) san.get(0) == 6) uris.add((String) san.get(1));
        assertThat(uris).contains("spiffe://" + MESH + "/frontend").noneMatch(u -> u.contains("backend"));

        // mTLS off: nothing to sign, said plainly
        put("/meshes/" + MESH, "type: Mesh\nname: " + MESH + "\n");
        Await.until("mTLS is off in the engine", WAIT, () -> engine.meshTrust(MESH).filter(s -> s instanceof MeshTrust.Off).isPresent());
        Status off = refusal(() -> ProxylessWorkload.sign(port, frontendToken, MESH + ".frontend-1", csr));
        assertThat(off.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(off.getDescription()).contains("mTLS off");
    }

    // ---- helpers

    private ProxylessWorkload workload(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        return new ProxylessWorkload(MESH + "." + name, TestTokens.dataplane(MESH, name), dir);
    }

    /** An XdsServerBuilder server on {@link #serverPort} answering with the caller's SPIFFE ID (from its certificate). */
    private void startServer(ProxylessWorkload workload) throws Exception {
        Server server = XdsServerBuilder.forPort(serverPort, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .overrideBootstrapForTest(workload.bootstrap(XdsTestPort.port()))
                .addService(CallerIdentityEcho.service()).build().start();
        closing.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    }

    private static boolean succeeds(ManagedChannel channel) {
        return code(channel) == Status.Code.OK;
    }

    private static Status.Code code(ManagedChannel channel) {
        try {
            EchoBackend.call(channel, "probe", 2000);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static Status refusal(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
        throw new AssertionError("the call was not refused");
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String permission(String action) {
        return """
                type: MeshTrafficPermission
                mesh: %s
                name: backend-callers
                spec:
                  targetRef: {kind: MeshService, name: backend}
                  from:
                    - targetRef: {kind: MeshService, name: frontend}
                      default: {action: %s}
                """.formatted(MESH, action);
    }

    private static String dataplane(String name, String service, int port) {
        return """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: %d
                      tags: {kuma.io/service: %s, kuma.io/protocol: grpc}
                """.formatted(MESH, name, port, service);
    }

    private static void put(String path, String yaml) {
        assertThat(given().contentType("application/yaml").body(yaml).put(path).statusCode()).as("PUT %s", path).isIn(200, 201);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
