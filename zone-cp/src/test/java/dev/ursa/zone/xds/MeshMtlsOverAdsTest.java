package dev.ursa.zone.xds;

import com.google.protobuf.Any;
import dev.ursa.cp.pki.MeshCa;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.TlsPeers;
import dev.ursa.testsupport.TlsPeers.Material;
import dev.ursa.zone.xds.mtls.Sds;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mesh mTLS end to end without Envoy: sidecars connect to a real zone xDS engine over ADS, and Java TLS peers use exactly
 * the certificates, trust bundles and SAN checks they are handed (SDS secrets, cluster and listener TLS contexts) to
 * make real TLS handshakes; RBAC decisions are computed from the rendered listener.
 */
class MeshMtlsOverAdsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final InMemoryStore store = new InMemoryStore();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private EngineOverAds ads;

    @BeforeEach
    void meshFirst() throws Exception {
        EngineOverAds.write(store, "type: Mesh\nname: default\n"); // Secrets are mesh-scoped: the mesh comes first
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
        if (ads != null) ads.close();
    }

    private void start(String mesh, XdsSettings settings) throws Exception {
        EngineOverAds.write(store, mesh);
        EngineOverAds.write(store, dataplane("web-1", "web", 8080, "backend"));
        EngineOverAds.write(store, dataplane("backend-1", "backend", 9090, null));
        EngineOverAds.write(store, dataplane("frontend-1", "frontend", 7070, "backend"));
        ads = new EngineOverAds(store, new XdsEngine(store, settings, new SimpleMeterRegistry()));
    }

    private static XdsSettings settings() {
        return XdsSettings.defaults("zone-1");
    }

    // ---- tests

    @Test
    void sidecarsCallEachOtherWithTheCertificatesAndChecksTheyAreGiven() throws Exception {
        MeshCa ca = MeshCa.generate("default", 2048, Duration.ofDays(30), Instant.now());
        putCa("ca-1", ca);
        start(mesh("ca-1", "STRICT", null), settings());
        Sidecar web = sidecar("web-1");
        Sidecar backend = sidecar("backend-1");

        Material client = web.material();
        Material server = backend.material();
        assertThat(client.uris()).containsExactly("spiffe://default/web", "kuma://kuma.io/protocol/http", "kuma://kuma.io/service/web");
        assertThat(client.certificate().getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(client.trusted()).containsExactly(ca.certificate());

        UpstreamTlsContext upstream = web.upstreamTls("backend");
        assertThat(upstream.getSni()).isEqualTo("backend{mesh=default}");
        StringMatcher san = upstream.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
                .getMatchTypedSubjectAltNames(0).getMatcher();
        assertThat(san.getExact()).isEqualTo("spiffe://default/backend");
        DownstreamTlsContext downstream = backend.downstreamTls();
        assertThat(downstream.getRequireClientCertificate().getValue()).isTrue();

        try (TlsPeers.Server srv = new TlsPeers.Server(server)) {
            assertThat(MeshTlsPeers.call(client, srv.address(), san, "hello")).isEqualTo("spiffe://default/backend hello");
            assertThat(srv.clients).singleElement().satisfies(c -> assertThat(c).contains("spiffe://default/web"));
            // The client's check fails on a server that is not backend: frontend's certificate is of the mesh, not of backend.
            try (TlsPeers.Server impostor = new TlsPeers.Server(sidecar("frontend-1").material())) {
                assertThatThrownBy(() -> MeshTlsPeers.call(client, impostor.address(), san, "hello"))
                        .hasMessageContaining("does not match");
            }
        }
        assertThat(web.count(AdsTestClient.LDS)).as("listener pushes").isEqualTo(1);

        // The certificate's expiry is published in web-1's DataplaneInsight (Kuma's mTLS section).
        com.fasterxml.jackson.databind.JsonNode mtls = Await.value("web-1's certificate in its insight", WAIT, () ->
                store.get(dev.ursa.mesh.model.ResourceKey.of(dev.ursa.mesh.model.ResourceTypes.DATAPLANE_INSIGHT, "default", "web-1"))
                        .toCompletableFuture().join()
                        .map(r -> r.spec(dev.ursa.mesh.resources.DataplaneInsightSpec.class).mTLS()).orElse(null));
        assertThat(Instant.parse(mtls.path("certificateExpirationTime").asText()).getEpochSecond())
                .isEqualTo(client.certificate().getNotAfter().toInstant().getEpochSecond());
        assertThat(mtls.path("issuedBackend").asText()).isEqualTo("ca-1");
        assertThat(mtls.path("certificateRegenerations").asInt()).isEqualTo(1);
        assertThat(mtls.path("lastCertificateRegeneration").asText()).isNotEmpty();
    }

    @Test
    void aClientWithACertificateOfAnotherMeshCaFailsTheHandshake() throws Exception {
        putCa("ca-1", MeshCa.generate("default", 2048, Duration.ofDays(30), Instant.now()));
        start(mesh("ca-1", "STRICT", null), settings());
        Material server = sidecar("backend-1").material();
        MeshCa otherCa = MeshCa.generate("other", 2048, Duration.ofDays(30), Instant.now());
        KeyPair pair = MeshCa.workloadKeyPair();
        X509Certificate foreign = otherCa.issue(pair.getPublic(), List.of("spiffe://default/web"), Duration.ofHours(1), Instant.now());
        Material outsider = new Material(foreign, pair.getPrivate(), List.of(otherCa.certificate(), server.trusted().get(0)));
        try (TlsPeers.Server srv = new TlsPeers.Server(server)) {
            StringMatcher any = StringMatcher.newBuilder().setPrefix("spiffe://default/").build();
            assertThatThrownBy(() -> MeshTlsPeers.call(outsider, srv.address(), any, "hello")).isInstanceOf(IOException.class);
            assertThat(srv.clients).isEmpty();
        }
    }

    @Test
    void meshTrafficPermissionDecidesOnTheCertificateIdentity() throws Exception {
        putCa("ca-1", MeshCa.generate("default", 2048, Duration.ofDays(30), Instant.now()));
        EngineOverAds.write(store, """
                type: MeshTrafficPermission
                mesh: default
                name: backend-from-frontend
                spec:
                  targetRef: {kind: MeshService, name: backend}
                  from:
                    - targetRef: {kind: Mesh}
                      default: {action: Deny}
                    - targetRef: {kind: MeshService, name: frontend}
                      default: {action: Allow}
                """);
        start(mesh("ca-1", "STRICT", null), settings());
        RBAC rbac = sidecar("backend-1").inboundRbac();
        assertThat(MeshTlsPeers.allowed(rbac, sidecar("frontend-1").material().uris())).as("frontend").isTrue();
        assertThat(MeshTlsPeers.allowed(rbac, sidecar("web-1").material().uris())).as("web").isFalse();
    }

    @Test
    void certificatesAreRenewedOverSdsBeforeTheyExpireWithoutRebuildingListeners() throws Exception {
        putCa("ca-1", MeshCa.generate("default", 2048, Duration.ofDays(30), Instant.now()));
        start(mesh("ca-1", "STRICT", "6s"), settings().withCertificates(0.5, Duration.ofSeconds(1)));
        // Three nodes, two renewals each: a renewal lost in the timer (a race that hit a third of them) shows here.
        for (String name : List.of("web-1", "backend-1", "frontend-1")) {
            Sidecar node = sidecar(name);
            Material first = node.material();
            String listeners = ads.listenersVersion(name);
            Material renewed = node.awaitMaterial(m -> !m.certificate().equals(first.certificate()));
            assertThat(Instant.now()).as("renewed before the first certificate expired").isBefore(first.certificate().getNotAfter().toInstant());
            assertThat(renewed.certificate().getNotAfter()).isAfter(first.certificate().getNotAfter());
            assertThat(renewed.uris()).isEqualTo(first.uris());
            Material again = node.awaitMaterial(m -> !m.certificate().equals(renewed.certificate()));
            assertThat(again.certificate().getNotAfter()).isAfter(renewed.certificate().getNotAfter());
            assertThat(ads.listenersVersion(name)).isEqualTo(listeners);
            assertThat(node.count(AdsTestClient.LDS)).as("%s listener pushes", name).isEqualTo(1);
            assertThat(node.count(AdsTestClient.CDS)).as("%s cluster pushes", name).isEqualTo(1);
        }
    }

    @Test
    void callsKeepWorkingThroughACaSwitch() throws Exception {
        MeshCa ca1 = MeshCa.generate("default", 2048, Duration.ofDays(30), Instant.now());
        MeshCa ca2 = MeshCa.generate("default", 2048, Duration.ofDays(30), Instant.now());
        putCa("ca-1", ca1);
        start(mesh("ca-1", "STRICT", null), settings().withCertificates(0.8, Duration.ofSeconds(2)));
        Sidecar web = sidecar("web-1");
        Sidecar backend = sidecar("backend-1");
        StringMatcher san = web.upstreamTls("backend").getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
                .getMatchTypedSubjectAltNames(0).getMatcher();
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        // A loop of calls, each with the material each side holds at that moment (as two Envoys would).
        Thread caller = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                try (TlsPeers.Server srv = new TlsPeers.Server(backend.material())) {
                    MeshTlsPeers.call(web.material(), srv.address(), san, "x");
                    ok.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    failures.add(e.toString());
                }
            }
        });
        int before = awaitCalls(ok, 5);
        // The switch as the global makes it: the new CA's Secrets, then the Mesh naming it (the old Secrets stay).
        putCa("ca-2", ca2);
        EngineOverAds.write(store, mesh("ca-2", "STRICT", null));
        Predicate<Material> fromCa2 = m -> m.certificate().getIssuerX500Principal().equals(ca2.certificate().getSubjectX500Principal())
                && verifies(m.certificate(), ca2);
        web.awaitMaterial(fromCa2);
        backend.awaitMaterial(fromCa2);
        // Then the global retires the old CA.
        store.delete(dev.ursa.mesh.model.ResourceKey.of(dev.ursa.mesh.model.ResourceTypes.SECRET, "default", "default.ca-builtin-cert-ca-1"),
                dev.ursa.mesh.store.Precondition.ANY).toCompletableFuture().get();
        store.delete(dev.ursa.mesh.model.ResourceKey.of(dev.ursa.mesh.model.ResourceTypes.SECRET, "default", "default.ca-builtin-key-ca-1"),
                dev.ursa.mesh.store.Precondition.ANY).toCompletableFuture().get();
        web.awaitMaterial(m -> m.trusted().size() == 1 && m.trusted().get(0).equals(ca2.certificate()));
        backend.awaitMaterial(m -> m.trusted().size() == 1);
        int after = ok.get();
        awaitCalls(ok, after + 5);
        stop.set(true);
        caller.join(WAIT);
        assertThat(failures).as("failed calls during the switch (%d ok before it, %d in all)", before, ok.get()).isEmpty();
        assertThat(ok.get()).isGreaterThan(before + 10);
    }

    // ---- helpers

    private static boolean verifies(X509Certificate c, MeshCa ca) {
        try {
            c.verify(ca.certificate().getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static int awaitCalls(AtomicInteger ok, int atLeast) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (ok.get() < atLeast) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("only " + ok.get() + " calls succeeded within " + WAIT);
            Thread.sleep(20);
        }
        return ok.get();
    }

    private void putCa(String backend, MeshCa ca) throws Exception {
        EngineOverAds.write(store, secret("default.ca-builtin-cert-" + backend, ca.certificatePem()));
        EngineOverAds.write(store, secret("default.ca-builtin-key-" + backend, ca.keyPem()));
    }

    private static String secret(String name, String pem) {
        return """
                type: Secret
                mesh: default
                name: %s
                data: %s
                """.formatted(name, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static String mesh(String backend, String mode, String dpCertExpiration) {
        String dpCert = dpCertExpiration == null ? "" : "\n      dpCert: {rotation: {expiration: " + dpCertExpiration + "}}";
        return """
                type: Mesh
                name: default
                mtls:
                  enabledBackend: %s
                  backends:
                    - name: %s
                      type: builtin
                      mode: %s%s
                """.formatted(backend, backend, mode, dpCert);
    }

    private static String dataplane(String name, String service, int port, String outbound) {
        String out = outbound == null ? "" : "\n  outbound:\n  - port: 10001\n    tags: {kuma.io/service: " + outbound + "}";
        return """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags: {kuma.io/service: %s, kuma.io/protocol: http}%s
                """.formatted(name, port, service, out);
    }

    private Sidecar sidecar(String name) {
        Sidecar s = new Sidecar(name);
        closing.add(s);
        return s;
    }

    /**
     * A sidecar's ADS stream as Envoy opens it: listeners and clusters, and the two SDS secrets they name. Responses are
     * ACKed and kept (the latest per type) by a reader thread.
     */
    private final class Sidecar implements AutoCloseable {
        private final AdsTestClient.SotwStream stream;
        private final Map<String, DiscoveryResponse> latest = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final Thread reader;
        private volatile boolean closed;

        Sidecar(String name) {
            AdsTestClient client = new AdsTestClient(ads.port());
            closing.add(client);
            stream = client.sotw(AdsTestClient.node("default." + name, Map.of()));
            stream.request(AdsTestClient.LDS, List.of());
            stream.request(AdsTestClient.CDS, List.of());
            stream.request(MeshTlsPeers.SDS, List.of(Sds.identitySecret("default"), Sds.caSecret("default")));
            reader = Thread.ofVirtual().start(() -> {
                while (!closed) {
                    DiscoveryResponse r;
                    try {
                        r = stream.responses.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (r == null) continue;
                    List<String> names = r.getTypeUrl().equals(MeshTlsPeers.SDS)
                            ? List.of(Sds.identitySecret("default"), Sds.caSecret("default")) : List.of();
                    stream.ack(r, names);
                    latest.put(r.getTypeUrl(), r);
                    counts.computeIfAbsent(r.getTypeUrl(), t -> new AtomicInteger()).incrementAndGet();
                }
            });
        }

        int count(String typeUrl) {
            AtomicInteger n = counts.get(typeUrl);
            return n == null ? 0 : n.get();
        }

        DiscoveryResponse await(String typeUrl) throws InterruptedException {
            Instant deadline = Instant.now().plus(WAIT);
            while (!latest.containsKey(typeUrl)) {
                if (Instant.now().isAfter(deadline)) throw new AssertionError("no " + typeUrl + " within " + WAIT);
                Thread.sleep(10);
            }
            return latest.get(typeUrl);
        }

        Material material() {
            try {
                return MeshTlsPeers.material(await(MeshTlsPeers.SDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        Material awaitMaterial(Predicate<Material> condition) throws InterruptedException {
            Instant deadline = Instant.now().plus(WAIT);
            while (true) {
                Material m = material();
                if (condition.test(m)) return m;
                if (Instant.now().isAfter(deadline)) throw new AssertionError("no SDS secrets as awaited within " + WAIT);
                Thread.sleep(20);
            }
        }

        UpstreamTlsContext upstreamTls(String service) throws Exception {
            for (Any a : await(AdsTestClient.CDS).getResourcesList()) {
                Cluster c = a.unpack(Cluster.class);
                if (c.getName().equals(service)) return c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
            }
            throw new AssertionError("no cluster " + service);
        }

        private Listener inbound() throws Exception {
            for (Any a : await(AdsTestClient.LDS).getResourcesList()) {
                Listener l = a.unpack(Listener.class);
                if (l.getName().startsWith("inbound:")) return l;
            }
            throw new AssertionError("no inbound listener");
        }

        DownstreamTlsContext downstreamTls() throws Exception {
            return inbound().getFilterChains(0).getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
        }

        RBAC inboundRbac() throws Exception {
            HttpConnectionManager hcm = inbound().getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
            for (var f : hcm.getHttpFiltersList()) {
                if (f.getName().equals("envoy.filters.http.rbac")) {
                    return f.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class).getRules();
                }
            }
            throw new AssertionError("no RBAC filter");
        }

        @Override
        public void close() {
            closed = true;
            stream.close();
        }
    }

}
