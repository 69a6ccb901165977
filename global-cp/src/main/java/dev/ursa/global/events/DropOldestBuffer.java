package dev.ursa.global.events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO whose {@link #offer} never blocks: when full, the oldest element is dropped to make room. Newer events
 * are worth more than older ones here, because the last event of a resource carries its current state.
 */
final class DropOldestBuffer<T> {
    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    DropOldestBuffer(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("buffer capacity must be at least 1, got " + capacity);
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Appends {@code item}; returns the number of older elements dropped for it (0 or 1). */
    int offer(T item) {
        lock.lock();
        try {
            int dropped = 0;
            if (items.size() == capacity) {
                items.pollFirst();
                dropped = 1;
            }
            items.addLast(item);
            notEmpty.signal();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest element, waiting up to {@code timeout} for one; null when none arrived. */
    T poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (items.isEmpty()) {
                if (nanos <= 0) return null;
                nanos = notEmpty.awaitNanos(nanos);
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return capacity;
    }
}
