package dev.ursa.cp.mtls;

import dev.ursa.mesh.resources.CaSecrets;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.validation.Violation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Kuma's {@code ValidateMTLSBackends} ({@code pkg/core/managers/apis/mesh/mesh_validator.go}), run on Mesh writes:
 * every backend's type must be installed ({@code mtls.backends[i].type}, and Kuma stops at the first unknown one), and
 * unless {@code mtls.skipValidation} each backend passes its type's checks, reported under
 * {@code mtls.backends[i].conf}. Immutable.
 */
public final class CaBackendsValidator {
    private final Map<String, CaBackendType> types;

    public CaBackendsValidator(List<CaBackendType> types) {
        this.types = types.stream().collect(Collectors.toUnmodifiableMap(CaBackendType::type, Function.identity()));
    }

    /** Ursa's CA backend types: builtin and provided. */
    public static CaBackendsValidator builtIn() {
        return new CaBackendsValidator(List.of(new BuiltinCaBackend(), new ProvidedCaBackend()));
    }

    public List<Violation> validate(String mesh, MeshMtls mtls, DataSourceLoader loader) {
        List<Violation> out = new ArrayList<>();
        if (mtls == null) return out;
        List<MeshMtls.Backend> backends = mtls.backendsOrEmpty();
        for (int i = 0; i < backends.size(); i++) {
            MeshMtls.Backend backend = backends.get(i);
            CaBackendType type = backend.type() == null ? null : types.get(backend.type());
            if (type == null) {
                out.add(new Violation("mtls.backends[" + i + "].type", "could not find installed plugin for this type"));
                return out;
            }
            if (!Boolean.TRUE.equals(mtls.skipValidation())) {
                String conf = "mtls.backends[" + i + "].conf";
                type.validateBackend(mesh, backend, loader).forEach(v -> out.add(KumaPaths.under(conf, v)));
            }
        }
        return out;
    }

    /** The Secret names the mesh's provided backends refer to, to be read before {@link #validate}. */
    public static List<String> secretsReferenced(MeshMtls mtls) {
        if (mtls == null) return List.of();
        return mtls.backendsOrEmpty().stream()
                .filter(b -> MeshMtls.PROVIDED.equals(b.type()))
                .flatMap(b -> ProvidedCaBackend.secretsOf(b).stream())
                .distinct()
                .toList();
    }

    /** Kuma's {@code ca.Manager.UsedSecrets}: the Secrets of {@code mesh} a backend reads its CA from. */
    public static List<String> usedSecrets(String mesh, MeshMtls.Backend backend) {
        String name = backend.name() == null ? "" : backend.name();
        if (MeshMtls.BUILTIN.equals(backend.type())) return List.of(CaSecrets.builtinCert(mesh, name), CaSecrets.builtinKey(mesh, name));
        if (MeshMtls.PROVIDED.equals(backend.type())) return ProvidedCaBackend.secretsOf(backend);
        return List.of();
    }
}
