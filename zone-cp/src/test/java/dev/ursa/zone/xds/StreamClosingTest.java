package dev.ursa.zone.xds;

import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TrustedTokens;
import dev.ursa.cp.tokens.DataplaneToken;
import dev.ursa.cp.tokens.DataplaneTokenRequest;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.xds.auth.XdsAuthMode;
import dev.ursa.zone.xds.auth.XdsAuthenticator;
import dev.ursa.zone.xds.auth.XdsStreamInterceptor;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing admitted streams from the authenticator's timer thread while the engine is busy pushing them config: every
 * stream ends with the revocation status, the engine releases their nodes, and keeps serving everyone else. An engine
 * and an authenticator over an in-memory store on a plain grpc-java server (its own call executor, no Vert.x).
 */
class StreamClosingTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    InMemoryStore store;
    TokenKeys keys;
    TrustedTokens dataplaneTokens;
    TrustedTokens zoneTokens;
    XdsAuthenticator authenticator;
    XdsEngine engine;
    Server server;

    @BeforeEach
    void setUp() throws Exception {
        store = new InMemoryStore();
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        for (int i = 0; i < 10; i++) EngineOverAds.write(store, EngineOverAds.dataplane("web-" + i, "web", 8000 + i));
        keys = new TokenKeys(store);
        dataplaneTokens = keys.trusted(TokenKind.DATAPLANE);
        zoneTokens = keys.trusted(TokenKind.ZONE);
        dataplaneTokens.load();
        zoneTokens.load();
        AtomicReference<XdsEngine> engineRef = new AtomicReference<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        authenticator = new XdsAuthenticator("zone-1", XdsAuthMode.DP_TOKEN, dataplaneTokens, zoneTokens,
                id -> engineRef.get().registeredDataplane(id), store, Duration.ofSeconds(1), meters);
        engine = new XdsEngine(store, XdsSettings.defaults("zone-1"), meters, StreamExecutors.SENDER_THREADS, List.of(authenticator));
        engineRef.set(engine);
        engine.start();
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(engine.ads(), new XdsStreamInterceptor())).build().start();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
        authenticator.close();
        dataplaneTokens.close();
        zoneTokens.close();
    }

    String token(Optional<String> name) {
        JwtClaims claims = DataplaneToken.claims(new DataplaneTokenRequest("default", name, Map.of(), Duration.ofHours(1)), Instant.now());
        return keys.ring(TokenKind.DATAPLANE).sign(claims);
    }

    @Test
    void revokedStreamsCloseWhileTheEngineIsPushingAndTheEngineServesOn() throws Exception {
        String shared = token(Optional.empty());
        try (AdsTestClient client = new AdsTestClient(server.getPort(), shared);
             AdsTestClient other = new AdsTestClient(server.getPort(), token(Optional.of("web-9")))) {
            List<AdsTestClient.SotwStream> streams = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                for (int copy = 0; copy < 3; copy++) {
                    AdsTestClient.SotwStream s = client.sotw(AdsTestClient.node("default.web-" + i, Map.of()));
                    s.request(AdsTestClient.LDS, List.of());
                    streams.add(s);
                }
            }
            AdsTestClient.SotwStream survivor = other.sotw(AdsTestClient.node("default.web-9", Map.of()));
            survivor.request(AdsTestClient.LDS, List.of());
            for (AdsTestClient.SotwStream s : streams) assertThat(s.next("first listeners", WAIT).getTypeUrl()).isEqualTo(AdsTestClient.LDS);
            survivor.next("first listeners of web-9", WAIT);

            // Config changes keep the engine pushing to every node while the revocation closes their streams.
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 40; round++) {
                    for (int i = 0; i < 10; i++) {
                        try {
                            EngineOverAds.write(store, EngineOverAds.dataplane("web-" + i, "web", 9000 + round * 10 + i));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            keys.revocations(TokenKind.DATAPLANE).revoke(PublicKeys.id(dataplaneTokens.verify(shared)), Instant.now().plus(Duration.ofHours(1)));
            for (AdsTestClient.SotwStream s : streams) {
                Status closed = s.awaitClosed(WAIT);
                assertThat(closed.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(closed.getDescription()).endsWith("was revoked");
            }
            writer.join(WAIT.toMillis());
            for (int i = 0; i < 9; i++) {
                NodeId id = new NodeId("default", "web-" + i);
                Await.until(id + " released by the engine", WAIT, () -> engine.status(id).map(NodeStatus::streams).orElse(0) == 0);
            }
            assertThat(survivor.closed).isNotDone();
            AdsTestClient.SotwStream late = other.sotw(AdsTestClient.node("default.web-9", Map.of()));
            late.request(AdsTestClient.LDS, List.of());
            String lastPort = Integer.toString(9000 + 39 * 10 + 9);
            Await.until("a new stream of web-9 is served the last change", WAIT, () -> {
                DiscoveryResponse r = late.responses.poll();
                if (r == null) return false;
                late.ack(r, List.of());
                return r.toString().contains(lastPort);
            });
        }
    }

    @Test
    void withAuthNoneEveryStreamIsLetIn() throws Exception {
        XdsAuthenticator open = new XdsAuthenticator("zone-1", XdsAuthMode.NONE, dataplaneTokens, zoneTokens, id -> Optional.empty(), store,
                Duration.ofSeconds(1), new SimpleMeterRegistry());
        XdsEngine lab = new XdsEngine(store, XdsSettings.defaults("zone-1"), new SimpleMeterRegistry(), StreamExecutors.SENDER_THREADS,
                List.of(open));
        lab.start();
        Server labServer = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(lab.ads()).build().start();
        try (AdsTestClient client = new AdsTestClient(labServer.getPort())) {
            AdsTestClient.SotwStream s = client.sotw(AdsTestClient.node("default.web-1", Map.of()));
            s.request(AdsTestClient.LDS, List.of());
            assertThat(s.next("listeners without a token", WAIT).getResourcesCount()).isPositive();
        } finally {
            labServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            lab.close();
            open.close();
        }
    }
}
