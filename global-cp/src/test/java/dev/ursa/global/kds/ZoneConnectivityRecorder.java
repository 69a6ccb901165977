package dev.ursa.global.kds;

import dev.ursa.global.events.ZoneConnectivityChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test observer: every zone online/offline transition the KDS server announces. */
@ApplicationScoped
public class ZoneConnectivityRecorder {
    final List<ZoneConnectivityChanged> seen = new CopyOnWriteArrayList<>();

    void on(@Observes ZoneConnectivityChanged change) {
        seen.add(change);
    }

    List<String> of(String zone) {
        return seen.stream().filter(c -> c.zone().equals(zone)).map(c -> c.online() ? "online" : "offline").toList();
    }
}
