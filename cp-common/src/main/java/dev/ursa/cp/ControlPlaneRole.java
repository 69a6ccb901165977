package dev.ursa.cp;

import dev.ursa.mesh.model.ResourceType;

import java.util.Locale;
import java.util.Optional;

/** What kind of control plane this process is; each app (global-cp, zone-cp) provides exactly one bean. */
public interface ControlPlaneRole {
    Mode mode();

    /** The zone name, for a zone control plane. */
    Optional<String> zone();

    /**
     * A zone that receives the global-owned resources (meshes, policies, CA Secrets) from a global; the global and a
     * standalone zone author them.
     */
    default boolean federated() {
        return false;
    }

    /** Why a REST write of {@code type} is refused here, or empty when it is accepted. */
    Optional<String> refuseWrite(ResourceType type);

    enum Mode {
        GLOBAL,
        ZONE;

        /** As the API shows it: {@code global}, {@code zone}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
