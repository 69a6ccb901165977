package dev.ursa.zone.xds.view;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.EdsRef;
import dev.ursa.zone.xds.render.EndpointRenderer;
import dev.ursa.zone.xds.render.LocalityPlan;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ZoneIngress may advertise a host name (Kuma's validation allows it; the manifests advertise the load balancer's DNS
 * name), but EDS endpoints must be IP literals for Envoy and grpc-java: the zone CP resolves the name.
 */
class IngressAddressResolverTest {
    private static final String ZONE = "zone-1";
    private final List<IngressAddressResolver> resolvers = new ArrayList<>();

    @AfterEach
    void close() {
        resolvers.forEach(IngressAddressResolver::close);
    }

    @Test
    void hostNameBecomesItsIpInTheEdsEndpointForEnvoyAndProxyless() {
        IngressAddressResolver system = track(IngressAddressResolver.system());
        EndpointIndex index = index(system, ingress("zone-2.ingress-1", "zone-2", "localhost", 10001, "backend", 2));

        for (Flavour flavour : Flavour.values()) {
            ClusterLoadAssignment cla = EndpointRenderer.render(new EdsRef(ClusterRef.of("backend"), flavour, LocalityPlan.defaults(ZONE)), index);
            assertThat(cla.getEndpointsList()).as(flavour.name()).hasSize(1);
            var socket = cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
            assertThat(socket.getAddress()).as(flavour.name()).isEqualTo("127.0.0.1");
            assertThat(socket.getPortValue()).isEqualTo(10001);
            assertThat(cla.getEndpoints(0).getLocality().getZone()).isEqualTo("zone-2");
        }
    }

    /** Kuma lets a Dataplane give a host name too: local endpoints are resolved the same way, per Dataplane. */
    @Test
    void aLocalDataplaneHostNameBecomesItsIpAndAnUnresolvableOneOnlyDropsThatInbound() {
        FakeDns dns = new FakeDns();
        dns.answers.put("backend-1.local", "10.1.0.7");
        RecordingLog log = new RecordingLog();
        IngressAddressResolver r = resolver(dns, Duration.ofSeconds(5), log);
        Map<String, Resource> dataplanes = Map.of(
                "backend-1", dataplane("backend-1", "backend-1.local", 8080),
                "backend-2", dataplane("backend-2", "gone.invalid", 8080),
                "backend-3", dataplane("backend-3", "10.1.0.9", 8080));
        MeshInputs inputs = new MeshInputs("default", Optional.empty(), dataplanes, Map.of(), List.of());
        EndpointIndex index = EndpointIndex.build(inputs, List.of(new LocalEndpoints(ZONE, r::address)));

        List<String> addresses = index.endpoints("backend").localities().get(0).endpoints().stream().map(Endpoint::address).sorted().toList();
        assertThat(addresses).containsExactly("10.1.0.7", "10.1.0.9");
        assertThat(log.lines(System.Logger.Level.WARNING)).anySatisfy(w -> assertThat(w).contains("Dataplane default/backend-2").contains("gone.invalid"));
        assertThat(dns.calls).doesNotContain("10.1.0.9");
    }

    private static Resource dataplane(String name, String address, int port) {
        String yaml = """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: %s
                  inbound:
                  - port: %d
                    tags: {kuma.io/service: backend}
                """.formatted(name, address, port);
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        assertThat(ResourceValidation.check(r).list()).as("a host name is a valid Dataplane address").isEmpty();
        return r;
    }

    @Test
    void ipLiteralsAreNeverLookedUp() {
        FakeDns dns = new FakeDns();
        IngressAddressResolver r = resolver(dns, Duration.ofSeconds(1), new RecordingLog());
        assertThat(r.address("i", "10.2.0.1")).isEqualTo("10.2.0.1");
        assertThat(r.address("i", "fd00::1")).isEqualTo("fd00::1");
        assertThat(dns.calls).isEmpty();
        assertThat(r.names()).isEmpty();
    }

    @Test
    void unresolvableNameDropsOnlyThatIngressAndWarnsNamingItOnce() {
        FakeDns dns = new FakeDns();
        RecordingLog log = new RecordingLog();
        IngressAddressResolver r = resolver(dns, Duration.ofSeconds(5), log);
        List<Resource> ingresses = List.of(
                ingress("zone-2.ingress-1", "zone-2", "nowhere.invalid", 10001, "backend", 2),
                ingress("zone-3.ingress-1", "zone-3", "10.3.0.1", 10000, "backend", 1));

        EndpointIndex index = index(r, ingresses.toArray(Resource[]::new));
        index(r, ingresses.toArray(Resource[]::new)); // a second recompute: no second lookup, no second warning

        assertThat(index.endpoints("backend").localities()).extracting(LocalityEndpoints::zone).containsExactly("zone-3");
        assertThat(index.endpoints("backend").localities().get(0).endpoints().get(0).address()).isEqualTo("10.3.0.1");
        assertThat(dns.calls).containsExactly("nowhere.invalid");
        assertThat(log.lines(System.Logger.Level.WARNING)).singleElement().asString()
                .contains("ZoneIngress zone-2.ingress-1 of zone zone-2", "nowhere.invalid", "does not resolve", "left out");
    }

    @Test
    void aChangedAnswerRunsTheListenersAndTheNextRecomputeUsesIt() throws Exception {
        FakeDns dns = new FakeDns();
        dns.answers.put("ingress.zone-2.example.com", "10.2.0.1");
        RecordingLog log = new RecordingLog();
        IngressAddressResolver r = resolver(dns, Duration.ofSeconds(5), log);
        Semaphore changes = new Semaphore(0);
        r.onChange(changes::release);
        Resource ingress = ingress("zone-2.ingress-1", "zone-2", "ingress.zone-2.example.com", 10001, "backend", 2);

        assertThat(address(index(r, ingress))).isEqualTo("10.2.0.1");
        assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).as("first answer").isTrue();

        dns.answers.put("ingress.zone-2.example.com", "10.2.0.99");
        r.refreshAll();
        assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).as("changed answer").isTrue();
        assertThat(address(index(r, ingress))).isEqualTo("10.2.0.99");
        assertThat(log.lines(System.Logger.Level.INFO)).singleElement().asString().contains("now resolves to 10.2.0.99 (was 10.2.0.1)");

        dns.awaitCalls(3, r); // looked up again, same answer: no listener call
        assertThat(changes.tryAcquire(200, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aSlowFirstLookupIsWaitedForOnceAndBrieflyThenArrivesThroughTheListener() throws Exception {
        FakeDns dns = new FakeDns();
        dns.answers.put("slow.example.com", "10.2.0.7");
        CountDownLatch release = new CountDownLatch(1);
        dns.gate = release;
        RecordingLog log = new RecordingLog();
        IngressAddressResolver r = resolver(dns, Duration.ofMillis(100), log);
        CountDownLatch changed = new CountDownLatch(1);
        r.onChange(changed::countDown);
        Resource ingress = ingress("zone-2.ingress-1", "zone-2", "slow.example.com", 10001, "backend", 2);

        long start = System.nanoTime();
        assertThat(index(r, ingress).endpoints("backend").localities()).isEmpty();
        assertThat(index(r, ingress).endpoints("backend").localities()).isEmpty(); // no second wait
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(log.lines(System.Logger.Level.WARNING)).singleElement().asString().contains("ZoneIngress zone-2.ingress-1", "did not resolve within 100 ms");

        release.countDown();
        assertThat(changed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(address(index(r, ingress))).isEqualTo("10.2.0.7");
        assertThat(dns.calls).containsExactly("slow.example.com");
    }

    @Test
    void namesNoIngressAdvertisesAnyMoreAreForgotten() {
        FakeDns dns = new FakeDns();
        dns.answers.put("a.example.com", "10.0.0.1");
        dns.answers.put("b.example.com", "10.0.0.2");
        IngressAddressResolver r = resolver(dns, Duration.ofSeconds(5), new RecordingLog());
        Resource a = ingress("zone-2.a", "zone-2", "a.example.com", 10001, "backend", 1);
        Resource b = ingress("zone-3.b", "zone-3", "b.example.com", 10001, "backend", 1);

        index(r, a, b);
        assertThat(r.names()).containsExactlyInAnyOrder("a.example.com", "b.example.com");
        index(r, a);
        assertThat(r.names()).containsExactly("a.example.com");
    }

    // ---- helpers

    private IngressAddressResolver resolver(FakeDns dns, Duration firstWait, RecordingLog log) {
        return track(new IngressAddressResolver(dns, Duration.ofHours(1), firstWait, log));
    }

    private IngressAddressResolver track(IngressAddressResolver r) {
        resolvers.add(r);
        return r;
    }

    private static EndpointIndex index(IngressAddressResolver r, Resource... ingresses) {
        MeshInputs inputs = new MeshInputs("default", Optional.empty(), Map.of(), Map.of(), List.of(ingresses));
        return EndpointIndex.build(inputs, List.of(new LocalEndpoints(ZONE), new CrossZoneEndpoints(ZONE, r)));
    }

    private static String address(EndpointIndex index) {
        List<LocalityEndpoints> ls = index.endpoints("backend").localities();
        assertThat(ls).hasSize(1);
        return ls.get(0).endpoints().get(0).address();
    }

    private static Resource ingress(String name, String zone, String advertisedAddress, int port, String service, int instances) {
        String yaml = """
                type: ZoneIngress
                name: %s
                zone: %s
                networking:
                  address: 192.168.0.10
                  port: 10001
                  advertisedAddress: %s
                  advertisedPort: %d
                availableServices:
                  - tags: {kuma.io/service: %s}
                    instances: %d
                    mesh: default
                """.formatted(name, zone, advertisedAddress, port, service, instances);
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        assertThat(ResourceValidation.check(r).list()).as("a host name is a valid advertisedAddress").isEmpty();
        return r;
    }

    /** Answers from a map (absent = unknown host), records every lookup, optionally blocks until released. */
    static final class FakeDns implements IngressAddressResolver.Lookup {
        final Map<String, String> answers = new ConcurrentHashMap<>();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch gate;

        @Override
        public InetAddress lookup(String host) throws UnknownHostException {
            calls.add(host);
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String ip = answers.get(host);
            if (ip == null) throw new UnknownHostException(host + ": Name or service not known");
            return InetAddress.getByName(ip); // a literal: no DNS
        }

        /** Refreshes until {@code n} lookups happened (a refresh skips a name whose lookup is still finishing). */
        void awaitCalls(int n, IngressAddressResolver r) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (calls.size() < n && System.nanoTime() < deadline) {
                r.refreshAll();
                Thread.sleep(10);
            }
            assertThat(calls).hasSizeGreaterThanOrEqualTo(n);
        }
    }

    /** Keeps what was logged, by level. */
    static final class RecordingLog implements System.Logger {
        private final List<Map.Entry<Level, String>> lines = Collections.synchronizedList(new ArrayList<>());

        List<String> lines(Level level) {
            synchronized (lines) {
                return lines.stream().filter(e -> e.getKey() == level).map(Map.Entry::getValue).toList();
            }
        }

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(Map.entry(level, msg));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(Map.entry(level, format));
        }
    }
}
