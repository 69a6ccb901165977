package dev.ursa.cp.leader;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code ursa.leader.*}: the election among replicas sharing one Postgres database. A leader that dies is replaced
 * within {@code lease-duration + renew-interval} (6 s by default); one that loses the database stops leading when its
 * lease runs out, before another replica can take it.
 */
@ConfigMapping(prefix = "ursa.leader")
public interface LeaderConfig {
    /** How long a lease lasts without renewal; also how long a replica counts as live after its last heartbeat. */
    @WithDefault("5s")
    Duration leaseDuration();

    /** How often the leader renews its lease and every replica writes its heartbeat and tries to take a free lease. */
    @WithDefault("1s")
    Duration renewInterval();

    /**
     * Where this replica's admin API answers the other replicas sharing its database (e.g. {@code http://$(POD_IP):5681}):
     * a global replica asked about a zone's dataplane whose KDS Inspect stream another replica holds forwards the
     * request there. Unset: not forwarded (503 naming the replica that holds the zone).
     */
    Optional<String> advertisedAddress();
}
