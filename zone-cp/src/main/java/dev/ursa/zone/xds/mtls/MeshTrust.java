package dev.ursa.zone.xds.mtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.pki.MeshCa;
import dev.ursa.cp.pki.Pem;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.resources.CaSecrets;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.SecretSpec;
import dev.ursa.zone.xds.view.MeshInputs;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a zone needs to give a mesh's dataplanes their mTLS material: the CA that issues workload certificates (the
 * enabled backend's), the CAs they trust (every CA of the mesh the zone holds: during a CA switch the old one stays
 * trusted until the global retires its Secrets), and the certificates' lifetime. Immutable.
 *
 * @param issuerId a fingerprint of the issuing CA certificate: a workload certificate of another issuer is re-issued
 * @param caSecret the SDS secret {@code mesh_ca:secret:<mesh>} with the trusted CAs: one object for every node
 */
public record MeshTrust(String mesh, String backend, MeshCa issuer, String issuerId, List<X509Certificate> trusted,
                        String trustBundlePem, Duration certificateValidity, Secret caSecret) {
    /** Kuma's default {@code dpCert.rotation.expiration}. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(24);

    public MeshTrust {
        trusted = List.copyOf(trusted);
    }

    /** The state of a mesh's mTLS in this zone. */
    public sealed interface State permits Off, Ready, Unavailable {
    }

    /** mTLS is off: no certificates. */
    public record Off() implements State {
    }

    public record Ready(MeshTrust trust) implements State {
    }

    /** mTLS is on but its CA cannot be used (yet): e.g. its Secrets have not reached the zone. */
    public record Unavailable(String reason) implements State {
    }

    /** Reads the mesh's mTLS state from its Mesh and Secrets. */
    public static State of(MeshInputs inputs) {
        MeshSpec spec = inputs.meshResource().map(r -> r.spec(MeshSpec.class)).orElse(null);
        if (spec == null || spec.enabledMtls().isEmpty()) return new Off();
        MeshMtls.Backend enabled = spec.enabledMtls().get();
        try {
            MeshCa issuer = authority(inputs.mesh(), enabled, inputs.secrets());
            Map<String, X509Certificate> trusted = new LinkedHashMap<>();
            trusted.put(fingerprint(issuer.certificate()), issuer.certificate());
            String builtinPrefix = CaSecrets.builtinCert(inputs.mesh(), "");
            inputs.secrets().forEach((name, secret) -> {
                if (!name.startsWith(builtinPrefix)) return;
                try {
                    for (X509Certificate c : Pem.certificates(decode(secret))) trusted.putIfAbsent(fingerprint(c), c);
                } catch (RuntimeException e) {
                    // An unreadable CA secret of another backend is not trusted; the enabled one was read above.
                }
            });
            for (MeshMtls.Backend b : spec.mtls().backendsOrEmpty()) {
                if (b != null && MeshMtls.PROVIDED.equals(b.type()) && b != enabled) {
                    try {
                        X509Certificate c = Pem.certificates(dataSource(inputs.mesh(), b.conf(), "cert", inputs.secrets())).get(0);
                        trusted.putIfAbsent(fingerprint(c), c);
                    } catch (RuntimeException e) {
                        // as above
                    }
                }
            }
            StringBuilder bundle = new StringBuilder();
            trusted.values().forEach(c -> bundle.append(Pem.certificate(c)));
            Duration validity = DEFAULT_VALIDITY;
            if (enabled.dpCert() != null && enabled.dpCert().rotation() != null && enabled.dpCert().rotation().expiration() != null) {
                validity = KumaDuration.parse(enabled.dpCert().rotation().expiration()).value();
            }
            return new Ready(new MeshTrust(inputs.mesh(), enabled.name(), issuer, fingerprint(issuer.certificate()),
                    new ArrayList<>(trusted.values()), bundle.toString(), validity, Sds.trustedCas(inputs.mesh(), bundle.toString())));
        } catch (RuntimeException e) {
            return new Unavailable("the CA of mTLS backend \"" + enabled.name() + "\" of mesh \"" + inputs.mesh() + "\" cannot be used: " + e.getMessage());
        }
    }

    private static MeshCa authority(String mesh, MeshMtls.Backend backend, Map<String, Resource> secrets) {
        return switch (backend.type() == null ? "" : backend.type()) {
            case MeshMtls.BUILTIN -> {
                Resource cert = secrets.get(CaSecrets.builtinCert(mesh, backend.name()));
                Resource key = secrets.get(CaSecrets.builtinKey(mesh, backend.name()));
                if (cert == null || key == null) {
                    throw new IllegalStateException("its Secrets " + CaSecrets.builtinCert(mesh, backend.name()) + " and "
                            + CaSecrets.builtinKey(mesh, backend.name()) + " are not in this zone yet");
                }
                yield MeshCa.fromPem(decode(cert), decode(key));
            }
            case MeshMtls.PROVIDED -> MeshCa.fromPem(dataSource(mesh, backend.conf(), "cert", secrets), dataSource(mesh, backend.conf(), "key", secrets));
            default -> throw new IllegalStateException("unknown backend type \"" + backend.type() + "\"");
        };
    }

    /** A Kuma data source ({@code secret}, {@code inline} base64, {@code inlineString}, {@code file}) under {@code conf.<field>}. */
    static String dataSource(String mesh, JsonNode conf, String field, Map<String, Resource> secrets) {
        JsonNode ds = conf == null ? null : conf.get(field);
        if (ds == null || !ds.isObject()) throw new IllegalStateException("conf." + field + " is missing");
        if (ds.hasNonNull("secret")) {
            Resource s = secrets.get(ds.get("secret").asText());
            if (s == null) throw new IllegalStateException("Secret \"" + ds.get("secret").asText() + "\" of mesh \"" + mesh + "\" is not in this zone");
            return decode(s);
        }
        if (ds.hasNonNull("inline")) return new String(Base64.getDecoder().decode(ds.get("inline").asText()), StandardCharsets.UTF_8);
        if (ds.hasNonNull("inlineString")) return ds.get("inlineString").asText();
        if (ds.hasNonNull("file")) {
            try {
                return Files.readString(Path.of(ds.get("file").asText()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read conf." + field + ".file: " + e.getMessage());
            }
        }
        throw new IllegalStateException("conf." + field + " names no data source");
    }

    private static String decode(Resource secret) {
        String data = secret.spec(SecretSpec.class).data();
        return new String(Base64.getDecoder().decode(data == null ? "" : data), StandardCharsets.UTF_8);
    }

    static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()), 0, 12);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
