package dev.ursa.zone;

import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.ResourceType;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * A zone control plane. Federated (a global address is set): meshes and policies come from the global, so REST
 * writes of them are refused; standalone: the zone is its own authority and accepts them.
 */
@ApplicationScoped
public class ZoneRole implements ControlPlaneRole {
    private final ZoneConfig config;

    public ZoneRole(ZoneConfig config) {
        this.config = config;
    }

    @Override
    public Mode mode() {
        return Mode.ZONE;
    }

    @Override
    public Optional<String> zone() {
        return Optional.of(config.name());
    }

    @Override
    public boolean federated() {
        return config.globalAddress().isPresent();
    }

    @Override
    public Optional<String> refuseWrite(ResourceType type) {
        if (type.owner() == Owner.GLOBAL && config.globalAddress().isPresent()) {
            return Optional.of(type.name() + " resources are managed by the global control plane; apply them there ("
                    + "this zone is federated with " + config.globalAddress().get() + ")");
        }
        return Optional.empty();
    }
}
