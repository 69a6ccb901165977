package dev.ursa.ingress.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Round robin over a route's upstreams with passive ejection: an upstream that refused a connection is tried last
 * for {@code ejection} (a connection still goes to it when every upstream is ejected: better a try than a refusal).
 * Ejections are kept by address, so they survive a new routing table.
 */
public final class Balancer {
    private final Duration ejection;
    private final LongSupplier nanoClock;
    private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
    private final Map<Upstream, Long> ejectedUntil = new ConcurrentHashMap<>();

    public Balancer(Duration ejection, LongSupplier nanoClock) {
        this.ejection = ejection;
        this.nanoClock = nanoClock;
    }

    /** The upstreams to try for one connection, in order: healthy ones in round-robin order, then ejected ones. */
    public List<Upstream> candidates(Route route) {
        List<Upstream> all = route.upstreams();
        if (all.isEmpty()) return List.of();
        int start = Math.floorMod(cursors.computeIfAbsent(route.name(), k -> new AtomicInteger()).getAndIncrement(), all.size());
        long now = nanoClock.getAsLong();
        List<Upstream> healthy = new ArrayList<>(all.size());
        List<Upstream> ejected = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Upstream u = all.get((start + i) % all.size());
            Long until = ejectedUntil.get(u);
            if (until != null && until - now > 0) ejected.add(u); else healthy.add(u);
        }
        healthy.addAll(ejected);
        return healthy;
    }

    public void failed(Upstream u) {
        ejectedUntil.put(u, nanoClock.getAsLong() + ejection.toNanos());
    }

    public void succeeded(Upstream u) {
        ejectedUntil.remove(u);
    }

    public boolean isEjected(Upstream u) {
        Long until = ejectedUntil.get(u);
        return until != null && until - nanoClock.getAsLong() > 0;
    }
}
