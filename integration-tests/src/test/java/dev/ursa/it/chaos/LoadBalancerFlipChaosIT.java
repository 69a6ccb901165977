package dev.ursa.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.it.EventsFeed;
import dev.ursa.it.Http;
import dev.ursa.it.TestDatabase;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario f (issue 22): two global replicas on one Postgres database behind a load balancer (one {@link FaultProxy}
 * both zones dial) that flips between them every 2.5-3.5 s, resetting the zones' connections, while the global is
 * written through both replicas and the zones write Dataplanes of their own. Fails on a spurious delete, a zone not
 * reconnected to the replica of the moment within 30 s of a flip, across the flips it missed, or not to the last one
 * within 30 s (a stuck stream), a stream left open on the replica the zones left, a change that never reached a zone, a name listed
 * twice, or the two sides not converged within 30 s once the flipping stops. Prints its figures ({@link ChaosReport});
 * {@code -Dursa.chaos.soak=true} flips for 10 minutes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancerFlipChaosIT {
    static final List<String> ZONES = List.of("zone-1", "zone-2");
    static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The replica's instance id, as it logs it at start (the id its zone insight subscriptions carry). */
    private static final Pattern INSTANCE = Pattern.compile("replica (\\S+): elects its leader");

    TestDatabase db;
    ChaosFederation fed;
    final List<String> instances = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create();
        fed = ChaosFederation.behindLoadBalancer("lb-flip", 2, ZONES, db.storeProps());
        for (int r = 0; r < fed.replicas(); r++) {
            Matcher m = INSTANCE.matcher(fed.global(r).log());
            assertThat(m.find()).as("instance id in the log of replica %d", r).isTrue();
            instances.add(m.group(1));
        }
        for (String zone : ZONES) KdsChaosIT.put(fed.zoneUrl(zone) + "/meshes/default/dataplanes/" + zone + "-web", Inventory.dataplane(zone + "-web", "web", 8080));
        for (int i = 0; i < 10; i++) KdsChaosIT.put(fed.globalUrl() + "/meshes/default/meshtimeouts/base-" + i, Inventory.meshTimeout("base-" + i, "5s", null));
        awaitConverged("setup");
        // each replica serves the zones once before the clock runs: its first KDS streams (TLS, code paths) start cold
        for (int r : new int[] {1, 0}) {
            fed.loadBalancer().retarget(fed.kdsPort(r));
            String instance = instances.get(r);
            Await.until("every zone on replica " + r, CONVERGE, () -> {
                for (String zone : ZONES) {
                    Newest s = newest(zone, r);
                    if (s == null || !s.open() || !s.instance().equals(instance)) return false;
                }
                return true;
            });
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (fed != null) fed.close();
        if (db != null) db.close();
    }

    /** A zone's newest KDS stream as the replicas recorded it in its insight (read through replica {@code via}). */
    record Newest(String id, String instance, boolean open) {
    }

    Newest newest(String zone, int via) throws Exception {
        Http.Reply r = Http.get(fed.globalUrl(via) + "/zone-insights/" + zone);
        if (r.status() != 200) return null;
        JsonNode subs = JSON.readTree(r.body()).path("subscriptions");
        if (subs.isEmpty()) return null;
        JsonNode last = subs.get(subs.size() - 1);
        return new Newest(last.path("id").asText(), last.path("globalInstanceId").asText(), !last.has("disconnectTime"));
    }

    /** Open subscriptions in the zone's insight. */
    int openSubscriptions(String zone) throws Exception {
        int open = 0;
        for (JsonNode s : JSON.readTree(Http.get(fed.globalUrl() + "/zone-insights/" + zone).body()).path("subscriptions")) {
            if (!s.has("disconnectTime")) open++;
        }
        return open;
    }

    /**
     * Both replicas list the same; every zone holds exactly the global's MeshTimeouts and the global exactly its
     * Dataplanes. Throws what differs (Await names the last one on a timeout).
     */
    boolean converged() throws Exception {
        Map<String, String> policies = Inventory.specs(fed.globalUrl(0), "meshtimeouts");
        Map<String, String> dataplanes = Inventory.specs(fed.globalUrl(0), "dataplanes");
        same("MeshTimeouts of replica 1", Inventory.specs(fed.globalUrl(1), "meshtimeouts"), policies);
        same("Dataplanes of replica 1", Inventory.specs(fed.globalUrl(1), "dataplanes"), dataplanes);
        for (String zone : ZONES) {
            same("MeshTimeouts of " + zone, Inventory.specs(fed.zoneUrl(zone), "meshtimeouts"), policies);
            Map<String, String> ofZone = new TreeMap<>();
            dataplanes.forEach((name, spec) -> {
                if (name.startsWith(zone + ".")) ofZone.put(name.substring(zone.length() + 1), spec);
            });
            same("the global's Dataplanes of " + zone, ofZone, Inventory.specs(fed.zoneUrl(zone), "dataplanes"));
        }
        return true;
    }

    private static void same(String what, Map<String, String> actual, Map<String, String> expected) {
        if (actual.equals(expected)) return;
        Set<String> differ = new TreeSet<>(actual.keySet());
        differ.addAll(expected.keySet());
        differ.removeIf(k -> java.util.Objects.equals(actual.get(k), expected.get(k)));
        throw new AssertionError(what + " differ in " + differ);
    }

    Duration awaitConverged(String what) {
        return Await.until(what + ": both replicas and every zone converged both ways", CONVERGE, this::converged);
    }

    /** Names listed more than once, over both replicas' and every zone's listings. */
    int duplicates() throws Exception {
        List<String> urls = new ArrayList<>(List.of(fed.globalUrl(0), fed.globalUrl(1)));
        ZONES.forEach(z -> urls.add(fed.zoneUrl(z)));
        int dups = 0;
        for (String url : urls) {
            for (String plural : List.of("meshtimeouts", "dataplanes")) {
                List<JsonNode> items = Inventory.items(url, plural);
                dups += items.size() - (int) items.stream().map(i -> i.path("name").asText()).distinct().count();
            }
        }
        return dups;
    }

    /** The load balancer's n-th move, to {@code replica}, at {@code at} (nanoTime). Flip 0 is the setup's connection. */
    record Flip(int n, int replica, long at) {
    }

    /**
     * Follows one zone's insight: for each flip, the time from the flip to the zone's newest stream being open on the
     * flip's replica (a stream not seen before). A flip not in {@code reconnects} when the next one came was missed.
     */
    void follow(String zone, AtomicReference<Flip> current, Map<Integer, Long> reconnects, AtomicBoolean running) {
        String seen = null;
        int done = -1;
        try {
            while (running.get()) {
                Flip f = current.get();
                if (f.n() > done) {
                    Newest s = newest(zone, f.n() % fed.replicas());
                    if (s != null && s.open() && s.instance().equals(instances.get(f.replica())) && !s.id().equals(seen)) {
                        reconnects.put(f.n(), System.nanoTime() - f.at());
                        done = f.n();
                        seen = s.id();
                    }
                }
                ChaosReport.pace(Duration.ofMillis(100));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void zonesBehindALoadBalancerFlippingBetweenGlobalReplicasLoseNothingAndNeverStick() throws Exception {
        Duration window = ChaosReport.duration(Duration.ofSeconds(60), Duration.ofMinutes(10));
        FaultProxy lb = fed.loadBalancer();
        Map<String, EventsFeed> feeds = new LinkedHashMap<>();
        for (int r = 0; r < fed.replicas(); r++) feeds.put("global-" + r, new EventsFeed(fed.globalUrl(r)));
        for (String z : ZONES) feeds.put(z, new EventsFeed(fed.zoneUrl(z)));
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        double streamsPerReplica = ChaosReport.counter(fed.globalUrl(0), "ursa_kds_streams_open");

        AtomicReference<Flip> current = new AtomicReference<>(new Flip(0, 0, System.nanoTime()));
        Map<String, Map<Integer, Long>> reconnects = new LinkedHashMap<>();
        AtomicBoolean following = new AtomicBoolean(true);
        List<Thread> followers = new ArrayList<>();
        for (String zone : ZONES) {
            Map<Integer, Long> r = new ConcurrentHashMap<>();
            reconnects.put(zone, r);
            followers.add(Thread.ofVirtual().start(() -> follow(zone, current, r, following)));
        }
        Await.until("every zone connected to replica 0", CONVERGE, () -> reconnects.values().stream().allMatch(r -> r.containsKey(0)));

        long end = System.nanoTime() + window.toNanos();
        List<Flip> flips = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread flipper = Thread.ofVirtual().start(() -> {
            try {
                for (int n = 1; System.nanoTime() < end; n++) {
                    ChaosReport.pace(Duration.ofMillis(2_500 + ThreadLocalRandom.current().nextInt(1_000)));
                    int replica = n % fed.replicas();
                    Flip flip = new Flip(n, replica, System.nanoTime());
                    flips.add(flip);
                    current.set(flip);
                    lb.retarget(fed.kdsPort(replica));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ChangeLag lag = ChangeLag.start(ZONES, fed::zoneUrl, end, CONVERGE);
        int globalWrites = 0;
        int zoneWrites = 0;
        for (int i = 1; System.nanoTime() < end; i++) {
            String atReplica = fed.globalUrl(i % fed.replicas()) + "/meshes/default/meshtimeouts/";
            String name = "lb-" + (i % 20);
            long t0 = System.nanoTime();
            KdsChaosIT.put(atReplica + name, Inventory.meshTimeout(name, i + "s", null));
            lag.written(name, i + "s", t0);
            globalWrites++;
            if (i % 3 == 0) {
                t0 = System.nanoTime();
                KdsChaosIT.put(atReplica + "tmp-" + i, Inventory.meshTimeout("tmp-" + i, "7s", null));
                lag.written("tmp-" + i, "7s", t0);
                globalWrites++;
                if (i >= 9) {
                    String gone = "tmp-" + (i - 6);
                    deleted.add(gone);
                    t0 = System.nanoTime();
                    assertThat(Http.delete(atReplica + gone).status()).as("DELETE %s", gone).isEqualTo(200);
                    lag.deleted(gone, t0);
                    globalWrites++;
                }
            }
            if (i % 2 == 0) {
                for (String zone : ZONES) zoneWrites += writeDataplanes(zone, i / 2, deleted);
            }
            ChaosReport.pace(Duration.ofMillis(250));
        }
        flipper.join();
        Flip last = current.get();
        long stopped = System.nanoTime();
        Duration converged = awaitConverged("flipping stopped");
        lag.join(CONVERGE.plusSeconds(10));
        List<String> stuck = new ArrayList<>();
        try {
            Await.until("every zone on the last replica", CONVERGE, () -> reconnects.values().stream().allMatch(r -> r.containsKey(last.n())));
        } catch (AssertionError e) {
            reconnects.forEach((zone, r) -> { if (!r.containsKey(last.n())) stuck.add(zone); });
        }
        following.set(false);
        for (Thread t : followers) t.join(CONVERGE);
        // the replica the zones left holds no stream; the other exactly the zones' (as replica 0 did after the setup)
        int other = (last.replica() + 1) % fed.replicas();
        Duration streamsSettled = Await.until("streams only on the last replica", CONVERGE,
                () -> ChaosReport.counter(fed.globalUrl(other), "ursa_kds_streams_open") == 0
                        && ChaosReport.counter(fed.globalUrl(last.replica()), "ursa_kds_streams_open") == streamsPerReplica
                        && ZONES.stream().allMatch(z -> uncheckedOpen(z) == 1));
        // per zone: the flips it missed (not back on the new replica before the next flip), and the longest time from
        // a flip to its next reconnect, across the flips it missed
        Map<String, List<Integer>> missed = new TreeMap<>();
        long maxReconnect = 0;
        long maxGap = 0;
        for (var e : reconnects.entrySet()) {
            Long since = null; // the first flip not followed by a reconnect yet
            for (Flip flip : flips) {
                if (since == null) since = flip.at();
                Long took = e.getValue().get(flip.n());
                if (took == null) {
                    missed.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(flip.n());
                    continue;
                }
                maxReconnect = Math.max(maxReconnect, took);
                maxGap = Math.max(maxGap, flip.at() + took - since);
                since = null;
            }
        }
        List<String> spurious = KdsChaosIT.spuriousDeletes(feeds, deleted);
        feeds.values().forEach(EventsFeed::close);
        int duplicates = duplicates();

        var f = ChaosReport.figures();
        f.put("window", window.toSeconds() + " s");
        f.put("flips", last.n());
        f.put("connections reset by the flips", lb.resets());
        f.put("global writes (both replicas)", globalWrites);
        f.put("zone writes", zoneWrites);
        f.put("max reconnect to the new replica", ChaosReport.millis(Duration.ofNanos(maxReconnect)));
        f.put("flips a zone missed", missed.values().stream().mapToInt(List::size).sum() + (missed.isEmpty() ? "" : " " + missed));
        f.put("longest flip to reconnect", ChaosReport.millis(Duration.ofNanos(maxGap)));
        f.put("max convergence of a change", ChaosReport.millis(lag.max()));
        f.put("converged after the last flip", ChaosReport.millis(Duration.ofNanos(stopped - last.at()).plus(converged)));
        f.put("streams settled", ChaosReport.millis(streamsSettled));
        f.put("stuck streams", stuck.size());
        f.put("spurious deletes", spurious.size());
        f.put("duplicate resources", duplicates);
        ChaosReport.print("f. load balancer flipping between global replicas", f);

        assertThat(last.n()).as("flips").isGreaterThanOrEqualTo((int) (window.toSeconds() / 4));
        assertThat(spurious).as("deletes of resources that still exist").isEmpty();
        assertThat(stuck).as("zones not reconnected to the last replica within %s", CONVERGE).isEmpty();
        // a missed flip is a reconnect slower than the 2.5-3.5 s between flips (a loaded machine: reported); a zone
        // not back on the replica of the moment for 30 s while both replicas were up has a stuck stream
        assertThat(Duration.ofNanos(maxGap)).as("longest time from a flip to the zone's next reconnect (missed flips: %s)", missed)
                .isLessThan(CONVERGE);
        assertThat(lag.complete()).as("zones that saw every change (or a newer one of the same name)").containsExactlyInAnyOrderElementsOf(ZONES);
        assertThat(duplicates).as("names listed twice").isZero();
    }

    private int uncheckedOpen(String zone) {
        try {
            return openSubscriptions(zone);
        } catch (Exception e) {
            return -1;
        }
    }

    /** The zone's round {@code n}: updates one of its Dataplanes; every 4th round adds one and deletes an older one. */
    int writeDataplanes(String zone, int n, Set<String> deleted) throws Exception {
        String base = fed.zoneUrl(zone) + "/meshes/default/dataplanes/";
        String dp = zone + "-dp-" + (n % 5);
        KdsChaosIT.put(base + dp, Inventory.dataplane(dp, "dp", 20_000 + n));
        if (n % 4 != 0) return 1;
        String tmp = zone + "-tmp-" + n;
        KdsChaosIT.put(base + tmp, Inventory.dataplane(tmp, "tmp", 21_000 + n));
        if (n < 12) return 2; // the first one, n = 4, goes at n = 12
        String gone = zone + "-tmp-" + (n - 8);
        deleted.add(gone);
        deleted.add(zone + "." + gone); // its name at the global
        assertThat(Http.delete(base + gone).status()).as("DELETE %s at %s", gone, zone).isEqualTo(200);
        return 3;
    }
}
