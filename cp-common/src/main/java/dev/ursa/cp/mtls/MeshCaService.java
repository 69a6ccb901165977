package dev.ursa.cp.mtls;

import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.cp.leader.LeaderTask;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.mesh.store.ResourceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * Runs the {@link MeshCaManager} where meshes are authored: on the global and on a standalone zone. A federated zone
 * generates nothing: its CA Secrets come from the global over KDS. Runs on the leader only ({@link Leadership}): the
 * Secrets are written create-if-absent and If-Match, so a paused former leader's late write changes nothing.
 */
@ApplicationScoped
public class MeshCaService {
    private static final Logger LOG = Logger.getLogger(MeshCaService.class);

    private final ResourceStore store;
    private final ControlPlaneRole role;
    private final MtlsConfig config;
    private final MeterRegistry meters;
    private final Leadership leadership;
    private LeaderTask task;

    public MeshCaService(ResourceStore store, ControlPlaneRole role, MtlsConfig config, MeterRegistry meters, Leadership leadership) {
        this.leadership = leadership;
        this.store = store;
        this.role = role;
        this.config = config;
        this.meters = meters;
    }

    void start(@Observes StartupEvent ignored) {
        if (!generatesCas(role)) {
            LOG.debug("mesh CAs: federated zone, CA Secrets come from the global");
            return;
        }
        task = LeaderTask.run(leadership, "mesh CA lifecycle",
                term -> new MeshCaManager(store, Clock.systemUTC(), config.caRetirementDelay(), meters).start());
    }

    void stop(@Observes ShutdownEvent ignored) throws Exception {
        if (task != null) task.close();
    }

    /** Whether a control plane of this role generates and retires mesh CAs. */
    static boolean generatesCas(ControlPlaneRole role) {
        return !role.federated();
    }
}
