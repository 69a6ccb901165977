package dev.ursa.cp.api;

import dev.ursa.cp.mtls.CaBackendsValidator;
import dev.ursa.cp.mtls.SnapshotLoader;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec;
import dev.ursa.mesh.resources.SecretSpec;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.validation.Violation;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The checks of a REST write that need other stored resources or the resource's name (Kuma runs them in its resource
 * managers, on writes only, never on what KDS delivers): a Mesh's CA backends ({@link CaBackendsValidator}, with the
 * Secrets its provided backends name), a MeshTrafficPermission matching clients by identity only in a mesh with mTLS,
 * and that a Secret in use by a CA backend is not deleted. Run by {@link ResourceService} after the document itself is
 * valid, before the store is written; the one place for such checks. Stateless.
 */
@ApplicationScoped
public class WriteChecks {
    private final ResourceStore store;
    private final CaBackendsValidator caBackends = CaBackendsValidator.builtIn();

    public WriteChecks(ResourceStore store) {
        this.store = store;
    }

    /** Every violation of {@code resource} against the stored state; empty when the write may go ahead. */
    public CompletionStage<List<Violation>> check(Resource resource) {
        if (resource.type() == ResourceTypes.MESH) return mesh(resource);
        if (resource.type() == ResourceTypes.MESH_TRAFFIC_PERMISSION) return trafficPermission(resource);
        return CompletableFuture.completedFuture(List.of());
    }

    /**
     * Every reason not to delete {@code key}: Kuma's Secret {@code ValidateDelete}, a Secret the mesh's CA backends use
     * stays (delete or change the backend first). Empty when the delete may go ahead.
     */
    public CompletionStage<List<Violation>> checkDelete(ResourceKey key) {
        if (!key.type().equals(ResourceTypes.SECRET.name())) return CompletableFuture.completedFuture(List.of());
        return store.get(ResourceKey.of(ResourceTypes.MESH, "", key.mesh())).thenApply(found -> {
            List<Violation> out = new ArrayList<>();
            found.map(m -> m.spec(MeshSpec.class).mtls()).ifPresent(mtls -> mtls.backendsOrEmpty().forEach(backend -> {
                if (CaBackendsValidator.usedSecrets(key.mesh(), backend).contains(key.name())) {
                    out.add(new Violation("name", "The secret \"" + key.name() + "\" that you are trying to remove is currently in use in Mesh \""
                            + key.mesh() + "\" in mTLS backend \"" + backend.name() + "\". Please remove the reference from the \""
                            + backend.name() + "\" backend before removing the secret."));
                }
            }));
            return out;
        });
    }

    private CompletionStage<List<Violation>> mesh(Resource resource) {
        MeshSpec spec = resource.spec(MeshSpec.class);
        String mesh = resource.meta().name();
        if (spec.mtls() == null) return CompletableFuture.completedFuture(List.of());
        List<CompletableFuture<Optional<Resource>>> reads = new ArrayList<>();
        for (String name : CaBackendsValidator.secretsReferenced(spec.mtls())) {
            reads.add(store.get(ResourceKey.of(ResourceTypes.SECRET, mesh, name)).toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, byte[]> secrets = new HashMap<>();
            for (CompletableFuture<Optional<Resource>> read : reads) {
                read.join().ifPresent(s -> secrets.put(s.meta().name(), data(s)));
            }
            return caBackends.validate(mesh, spec.mtls(), new SnapshotLoader(secrets));
        });
    }

    /**
     * A MeshTrafficPermission that tells clients apart (a {@code from} item of a kind other than Mesh, or SPIFFE ID
     * {@code rules}) needs mTLS on its mesh: a client's identity is its mesh certificate, and without one every item
     * but {@code kind: Mesh} would silently match nobody. Ursa refuses it (Kuma accepts it and matches nothing).
     */
    private CompletionStage<List<Violation>> trafficPermission(Resource resource) {
        MeshTrafficPermissionSpec spec = resource.spec(MeshTrafficPermissionSpec.class);
        List<FieldPath> byIdentity = new ArrayList<>();
        for (int i = 0; i < spec.from().size(); i++) {
            var ref = spec.from().get(i).targetRef();
            if (ref != null && ref.kind() != null && ref.kind() != TargetRefKind.Mesh) {
                byIdentity.add(FieldPath.of("spec").field("from").index(i).field("targetRef").field("kind"));
            }
        }
        if (!spec.rulesOrEmpty().isEmpty()) byIdentity.add(FieldPath.of("spec").field("rules"));
        if (byIdentity.isEmpty()) return CompletableFuture.completedFuture(List.of());
        String mesh = resource.meta().mesh();
        return store.get(ResourceKey.of(ResourceTypes.MESH, "", mesh)).thenApply(found -> {
            boolean mtls = found.flatMap(m -> m.spec(MeshSpec.class).enabledMtls()).isPresent();
            if (mtls) return List.of();
            String why = "matching clients by identity needs mTLS on mesh \"" + mesh + "\" (a client's identity is its mesh certificate): "
                    + "set mtls.enabledBackend on the Mesh first, or match every client with kind Mesh";
            return byIdentity.stream().map(p -> new Violation(p.value(), why)).toList();
        });
    }

    private static byte[] data(Resource secret) {
        try {
            return secret.spec(SecretSpec.class).bytes();
        } catch (IllegalArgumentException e) {
            return new byte[0]; // stored before Secrets were validated: as good as empty, and reported as no PEM data
        }
    }
}
