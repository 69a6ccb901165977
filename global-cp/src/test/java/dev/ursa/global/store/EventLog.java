package dev.ursa.global.store;

import dev.ursa.mesh.store.ChangeEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Change events as a listener received them, with a deadline-bounded wait. */
final class EventLog implements Consumer<ChangeEvent> {
    private final List<ChangeEvent> events = new ArrayList<>();

    @Override
    public synchronized void accept(ChangeEvent e) {
        events.add(e);
        notifyAll();
    }

    synchronized List<ChangeEvent> events() {
        return List.copyOf(events);
    }

    /** The first matching event, waiting at most {@code timeout}; empty if none came. */
    synchronized Optional<ChangeEvent> await(Predicate<ChangeEvent> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<ChangeEvent> found = events.stream().filter(match).findFirst();
            long left = deadline - System.nanoTime();
            if (found.isPresent() || left <= 0) return found;
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
