package dev.ursa.cp.leader;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

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
}
