package dev.ursa.it.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * How long the MeshTimeouts written at the global take to show in each zone: a poller per zone reads the zone's
 * MeshTimeouts every 100 ms and, for each change, records the delay from its write to the zone holding it (or a newer
 * write of the same name). A zone is complete once, after the writers stopped, it holds every last write.
 */
final class ChangeLag {
    /** The idleTimeout recorded for a deleted MeshTimeout: the zone must not hold the name. */
    private static final String ABSENT = "";

    // change → time it was written; a zone seeing it (or a newer write of the same name) records the delay
    private final Map<String, Long> written = new ConcurrentHashMap<>();
    private final Map<String, String> expected = new ConcurrentHashMap<>();
    private final AtomicLong maxNanos = new AtomicLong();
    private final Set<String> zonesComplete = ConcurrentHashMap.newKeySet();
    private final List<Thread> pollers = new ArrayList<>();

    /** Polls every zone of {@code zones} (its base URL by {@code zoneUrl}) until complete, or {@code end} (nanoTime) plus {@code converge}. */
    static ChangeLag start(List<String> zones, Function<String, String> zoneUrl, long end, Duration converge) {
        ChangeLag lag = new ChangeLag();
        for (String zone : zones) lag.pollers.add(Thread.ofVirtual().start(() -> lag.poll(zone, zoneUrl.apply(zone), end, converge)));
        return lag;
    }

    private void poll(String zone, String url, long end, Duration converge) {
        Map<String, Long> pending = new ConcurrentHashMap<>();
        try {
            while (System.nanoTime() < end + converge.toNanos()) {
                Map<String, String> seen = Inventory.specs(url, "meshtimeouts");
                long now = System.nanoTime();
                written.forEach((name, t) -> {
                    if (t > pending.getOrDefault(name, 0L) && holds(seen.get(name), expected.get(name))) {
                        pending.put(name, t);
                        maxNanos.accumulateAndGet(now - t, Math::max);
                    }
                });
                if (System.nanoTime() > end && written.entrySet().stream().allMatch(e -> e.getValue().equals(pending.get(e.getKey())))) {
                    zonesComplete.add(zone);
                    return;
                }
                ChaosReport.pace(Duration.ofMillis(100));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean holds(String spec, String idle) {
        return ABSENT.equals(idle) ? spec == null : idle.equals(Inventory.idleTimeout(spec));
    }

    /** The MeshTimeout {@code name} was acknowledged with {@code idle}, its write having begun at {@code t0} (nanoTime). */
    void written(String name, String idle, long t0) {
        expected.put(name, idle); // before its time: a poller that sees the time finds the value
        written.put(name, t0);
    }

    /** The MeshTimeout {@code name} was deleted, the delete having begun at {@code t0}. */
    void deleted(String name, long t0) {
        written(name, ABSENT, t0);
    }

    /** Waits for every poller to end (complete, or out of time). */
    void join(Duration timeout) throws InterruptedException {
        for (Thread t : pollers) t.join(timeout);
    }

    /** The slowest change to reach a zone. */
    Duration max() {
        return Duration.ofNanos(maxNanos.get());
    }

    /** Zones that saw every change (or a newer one of the same name). */
    Set<String> complete() {
        return Set.copyOf(zonesComplete);
    }
}
