package dev.ursa.zone.xds.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/** The fuzzer's only source of randomness: seeded, so a seed reproduces a document exactly. Not thread-safe. */
public final class Rand {
    private final SplittableRandom random;

    public Rand(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A seed derived from a base seed and a position, so each case can be replayed on its own. */
    public static long caseSeed(long base, String stream, int index) {
        long h = base ^ (stream.hashCode() * 0x9E3779B97F4A7C15L) ^ (index * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** 0 (inclusive) to {@code bound} (exclusive). */
    public int below(int bound) {
        return random.nextInt(bound);
    }

    /** {@code min} to {@code max}, both inclusive. */
    public int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    public long nextLong() {
        return random.nextLong();
    }

    @SafeVarargs
    public final <T> T pick(T... items) {
        return items[random.nextInt(items.length)];
    }

    public <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
