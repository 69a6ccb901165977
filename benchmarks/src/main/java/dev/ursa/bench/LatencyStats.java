package dev.ursa.bench;

import java.util.Arrays;

/** Latency percentiles in milliseconds (nearest-rank over every recorded sample, no histogram bucketing). */
public record LatencyStats(long samples, double meanMs, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

    public static LatencyStats ofNanos(long[] nanos) {
        if (nanos.length == 0) throw new IllegalArgumentException("no samples");
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElseThrow();
        return new LatencyStats(sorted.length, ms(mean), ms(rank(sorted, 50)), ms(rank(sorted, 90)), ms(rank(sorted, 99)),
                ms(sorted[sorted.length - 1]));
    }

    static long rank(long[] sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(double nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
