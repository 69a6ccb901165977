package dev.ursa.cp.mtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.validation.Violation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kuma's provided CA {@code ValidateBackend} ({@code pkg/plugins/ca/provided/manager.go}): {@code cert} and
 * {@code key} are data sources ({@code datasource.Validate}); when both are well-formed they are loaded (key first,
 * as Kuma does; a load error is reported on both fields) and must be a valid CA key pair ({@link CaCertValidator}).
 */
public final class ProvidedCaBackend implements CaBackendType {
    private static final Set<String> CONF_FIELDS = Set.of("cert", "key");

    /** The provided conf: each data source, or null when the field is absent or null. */
    public record Conf(DataSource cert, DataSource key) {
        /** @throws IllegalArgumentException with the conversion error */
        public static Conf parse(JsonNode conf) {
            if (conf == null || conf.isNull()) return new Conf(null, null);
            if (!conf.isObject()) throw new IllegalArgumentException("must be an object");
            conf.fieldNames().forEachRemaining(f -> {
                if (!CONF_FIELDS.contains(f)) throw new IllegalArgumentException("unknown field \"" + f + "\"");
            });
            return new Conf(source(conf.get("cert"), "cert"), source(conf.get("key"), "key"));
        }

        private static DataSource source(JsonNode node, String field) {
            return node == null || node.isNull() ? null : DataSource.parse(node, field);
        }

        /** The Secret names it refers to (what a write must look up before validating). */
        public List<String> secrets() {
            List<String> out = new ArrayList<>();
            for (DataSource s : new DataSource[]{cert, key}) {
                if (s instanceof DataSource.Secret secret && !secret.name().isEmpty()) out.add(secret.name());
            }
            return out;
        }
    }

    @Override
    public String type() {
        return MeshMtls.PROVIDED;
    }

    /** The Secret names a provided backend refers to; empty when its conf does not parse (validation reports that). */
    public static List<String> secretsOf(MeshMtls.Backend backend) {
        try {
            return Conf.parse(backend.conf()).secrets();
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    @Override
    public List<Violation> validateBackend(String mesh, MeshMtls.Backend backend, DataSourceLoader loader) {
        List<Violation> out = new ArrayList<>();
        Conf conf;
        try {
            conf = Conf.parse(backend.conf());
        } catch (IllegalArgumentException e) {
            out.add(new Violation("", "could not convert backend config: " + e.getMessage()));
            return out;
        }
        if (conf.cert() == null) {
            out.add(new Violation("cert", "has to be defined"));
        } else {
            validate(conf.cert()).ifPresent(v -> out.add(KumaPaths.under("cert", v)));
        }
        if (conf.key() == null) {
            out.add(new Violation("key", "has to be defined"));
        } else {
            validate(conf.key()).ifPresent(v -> out.add(KumaPaths.under("key", v)));
        }
        if (!out.isEmpty()) return out;
        byte[] key;
        byte[] cert;
        try {
            key = loader.load(mesh, conf.key());
            cert = loader.load(mesh, conf.cert());
        } catch (DataSourceLoader.LoadException e) {
            out.add(new Violation("cert", e.getMessage()));
            out.add(new Violation("key", e.getMessage()));
            return out;
        }
        out.addAll(CaCertValidator.validate(cert, key));
        return out;
    }

    /** Kuma's {@code datasource.Validate}. */
    static Optional<Violation> validate(DataSource source) {
        return switch (source) {
            case DataSource.None n -> Optional.of(new Violation("", "data source has to be chosen. Available sources: secret, file, inline"));
            case DataSource.Secret s -> s.name().isEmpty() ? Optional.of(new Violation("secret", "cannot be empty")) : Optional.empty();
            case DataSource.Inline i -> i.value().length == 0 ? Optional.of(new Violation("inline", "cannot be empty")) : Optional.empty();
            case DataSource.File f -> f.path().isEmpty() ? Optional.of(new Violation("file", "cannot be empty")) : Optional.empty();
            case DataSource.InlineString s -> Optional.empty();
        };
    }
}
