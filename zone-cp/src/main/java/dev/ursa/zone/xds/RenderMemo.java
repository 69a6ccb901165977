package dev.ursa.zone.xds;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.util.function.Function;

/**
 * What the engine computes once and shares between nodes of equal inputs: rendered configs, packed snapshots and the
 * canonical view keys. Each is a bounded LRU (inputs of departed nodes and old mesh generations age out instead of
 * being dropped all at once), with hit, miss and eviction metrics under {@code cache="ursa_xds_<name>"}. Thread-safe.
 */
final class RenderMemo<K, V> {
    private final Cache<K, V> cache;

    private RenderMemo(String name, long maximumSize, MeterRegistry meters) {
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).recordStats().build();
        CaffeineCacheMetrics.monitor(meters, cache, "ursa_xds_" + name);
    }

    static <K, V> RenderMemo<K, V> bounded(String name, long maximumSize, MeterRegistry meters) {
        return new RenderMemo<>(name, maximumSize, meters);
    }

    /** The memoised value, computed by {@code compute} when absent; an exception is thrown, not memoised. */
    V get(K key, Function<? super K, ? extends V> compute) {
        return cache.get(key, compute);
    }

    /** For tests and the maintenance of a size bound: the entries held now (approximate until cleanup runs). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

}
