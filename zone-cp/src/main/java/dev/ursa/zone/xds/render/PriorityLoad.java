package dev.ursa.zone.xds.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's split of traffic between priorities (its "priority load"), so that clients which do not implement it
 * (proxyless gRPC: grpc-java only moves to the next priority when a priority has no READY endpoint) can be given the
 * same split as locality weights. Per priority, health = min(100, factor × healthy / total) in whole percents; the
 * first priorities take as much as their health allows, the next ones the rest; when the healths sum to less than
 * 100 they are scaled up; a rounding remainder goes to the first priority with health.
 */
public final class PriorityLoad {
    private PriorityLoad() {
    }

    /** Hosts of one priority. */
    public record Hosts(int healthy, int total) {
    }

    /** @param factor overprovisioning factor in percent (140 = Envoy's default) */
    public static List<Integer> of(List<Hosts> priorities, int factor) {
        List<Integer> health = new ArrayList<>();
        for (Hosts h : priorities) {
            health.add(h.total() == 0 ? 0 : (int) Math.min(100, (long) factor * h.healthy() / h.total()));
        }
        int sum = Math.min(100, health.stream().mapToInt(Integer::intValue).sum());
        List<Integer> load = new ArrayList<>();
        if (sum == 0) {
            // nothing healthy: Envoy panics and uses the first priority
            for (int i = 0; i < priorities.size(); i++) load.add(i == 0 ? 100 : 0);
            return load;
        }
        int remaining = 100;
        for (int h : health) {
            int l = Math.min(remaining, h * 100 / sum);
            load.add(l);
            remaining -= l;
        }
        if (remaining > 0) {
            for (int i = 0; i < health.size(); i++) {
                if (health.get(i) > 0) {
                    load.set(i, load.get(i) + remaining);
                    break;
                }
            }
        }
        return load;
    }
}
