package dev.ursa.global;

import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.ResourceType;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** The global control plane: the authority for meshes and policies; zone-owned resources only arrive over KDS. */
@ApplicationScoped
public class GlobalRole implements ControlPlaneRole {
    @Override
    public Mode mode() {
        return Mode.GLOBAL;
    }

    @Override
    public Optional<String> zone() {
        return Optional.empty();
    }

    @Override
    public Optional<String> refuseWrite(ResourceType type) {
        if (type.owner() == Owner.ZONE) {
            return Optional.of(type.name() + " resources are managed by zone control planes and synced to the global; "
                    + "write them on the zone control plane");
        }
        return Optional.empty();
    }
}
