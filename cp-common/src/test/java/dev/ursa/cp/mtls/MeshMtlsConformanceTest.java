package dev.ursa.cp.mtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.validation.Violation;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kuma 2.14's Mesh {@code mtls} validation, case by case (the cases of Kuma's {@code mesh_validator_test.go} are in
 * mesh-core's {@code MeshKumaConformanceTest}): the builtin and provided CA managers' {@code ValidateBackend} tests and {@code ca_cert_validator_test.go} (Kuma's
 * certificate fixtures copied to {@code mtls/}), with Kuma's field paths and messages; then what Ursa adds.
 */
class MeshMtlsConformanceTest {
    private static final Path FIXTURES = Path.of("src", "test", "resources", "mtls");
    private static final CaBackendsValidator BACKENDS = CaBackendsValidator.builtIn();
    private static final SnapshotLoader NO_SECRETS = new SnapshotLoader(Map.of());

    // Kuma's mesh_validator_test.go cases, mtls included, are compared in full by mesh-core's MeshKumaConformanceTest.

    @Test
    void dpCertExpirationUsesKumasMeshDurationFormat() {
        for (String ok : List.of("0", "2y", "1w", "1d", "24h", "90m", "3600s", "500ms")) {
            assertThat(documentViolations(meshWithExpiration(ok))).as(ok).isEmpty();
        }
        // Kuma's mesh.ParseDuration: one integer and one unit. Go durations such as 1h30m are refused, as Kuma refuses them.
        for (String bad : List.of("2e", "1h30m", "1.5h", "-1h", "h", "", "10")) {
            assertThat(documentViolations(meshWithExpiration(bad))).as(bad)
                    .containsExactly(new Violation("mtls.dpcert.rotation.expiration", "has to be a valid format"));
        }
    }

    @Test
    void dpCertWithoutRotationHasNoValidExpirationAsInKuma() {
        String mesh = """
                type: Mesh
                name: default
                mtls:
                  enabledBackend: ca-1
                  backends:
                  - name: ca-1
                    type: builtin
                    dpCert:
                      requestTimeout: 10s
                """;
        assertThat(documentViolations(mesh)).containsExactly(new Violation("mtls.dpcert.rotation.expiration", "has to be a valid format"));
    }

    @Test
    void modeIsStrictOrPermissive() {
        for (String ok : List.of("STRICT", "PERMISSIVE")) {
            assertThat(documentViolations(builtinMesh("ca-1", "mode: " + ok))).as(ok).isEmpty();
        }
        assertThat(documentViolations(builtinMesh("ca-1", "mode: permissive")))
                .containsExactly(new Violation("mtls.backends[0].mode", "must be STRICT or PERMISSIVE"));
    }

    @Test
    void enabledBackendEmptyMeansMtlsOffAndIsValid() {
        String mesh = """
                type: Mesh
                name: default
                mtls:
                  backends:
                  - name: ca-1
                    type: builtin
                """;
        assertThat(documentViolations(mesh)).isEmpty();
        assertThat(decode(mesh).spec(MeshSpec.class).enabledMtls()).isEmpty();
    }

    // ------------------------------------------------------------ ValidateMTLSBackends (managers/apis/mesh)

    @Test
    void unknownBackendTypeStopsAtTheFirst() {
        MeshMtls mtls = mtls("""
                backends:
                - name: a
                  type: vault
                - name: b
                  type: acme
                """);
        assertThat(BACKENDS.validate("default", mtls, NO_SECRETS))
                .containsExactly(new Violation("mtls.backends[0].type", "could not find installed plugin for this type"));
    }

    @Test
    void skipValidationSkipsTheBackendChecksButNotTheType() {
        MeshMtls skipped = mtls("""
                skipValidation: true
                backends:
                - name: p
                  type: provided
                """);
        assertThat(BACKENDS.validate("default", skipped, NO_SECRETS)).isEmpty();
        MeshMtls unknown = mtls("""
                skipValidation: true
                backends:
                - name: p
                  type: vault
                """);
        assertThat(BACKENDS.validate("default", unknown, NO_SECRETS))
                .containsExactly(new Violation("mtls.backends[0].type", "could not find installed plugin for this type"));
    }

    // ------------------------------------------------------------ builtin ValidateBackend (builtin/manager_test.go)

    @Test
    void builtinValidBackend() {
        assertThat(new BuiltinCaBackend().validateBackend("default", backend("name: builtin-1\ntype: builtin\n"), NO_SECRETS)).isEmpty();
    }

    @Test
    void builtinNameTooLong() {
        String name = String.join(".", java.util.Collections.nCopies(19, "backend-long"));
        assertThat(new BuiltinCaBackend().validateBackend("default", backend("name: " + name + "\ntype: builtin\n"), NO_SECRETS))
                .containsExactly(new Violation("mtls.backends.name", "Backend name is too long. Max length: 255"));
    }

    @Test
    void builtinNameWithUpperCase() {
        assertThat(new BuiltinCaBackend().validateBackend("default", backend("name: builtinCA\ntype: builtin\n"), NO_SECRETS))
                .containsExactly(new Violation("mtls.backends.name", "\"builtinCA\" name must be valid dns name"));
    }

    /** Kuma nests the plugin's own path under the backend's conf: {@code mtls.backends[0].conf.mtls.backends.name}. */
    @Test
    void builtinViolationsAsKumaReportsThemOnAWrite() {
        MeshMtls mtls = mtls("""
                enabledBackend: builtinCA
                backends:
                - name: builtinCA
                  type: builtin
                """);
        assertThat(BACKENDS.validate("default", mtls, NO_SECRETS))
                .containsExactly(new Violation("mtls.backends[0].conf.mtls.backends.name", "\"builtinCA\" name must be valid dns name"));
        assertThat(BACKENDS.validate("Default", mtls("backends: [{name: ca-1, type: builtin}]"), NO_SECRETS))
                .as("the rule is on the Secret's name, mesh included")
                .containsExactly(new Violation("mtls.backends[0].conf.mtls.backends.name", "\"ca-1\" name must be valid dns name"));
    }

    @Test
    void builtinConfParsesAsKumasBuiltinConfig() {
        assertThat(validateOne("name: ca-1\ntype: builtin\nconf:\n  caCert:\n    RSAbits: 2048\n    expiration: 10y\n")).isEmpty();
        assertThat(validateOne("name: ca-1\ntype: builtin\nconf:\n  caCert:\n    RSAbits: '4096'\n")).isEmpty();
        assertThat(validateOne("name: ca-1\ntype: builtin\nconf:\n  caCert:\n    RSAbits: many\n"))
                .containsExactly(new Violation("mtls.backends[0].conf", "could not convert backend config: caCert.RSAbits: invalid value for uint32 type: \"many\""));
        assertThat(validateOne("name: ca-1\ntype: builtin\nconf:\n  caCert:\n    bits: 2048\n"))
                .containsExactly(new Violation("mtls.backends[0].conf", "could not convert backend config: caCert: unknown field \"bits\""));
        assertThat(validateOne("name: ca-1\ntype: builtin\nconf:\n  cacert: {}\n"))
                .containsExactly(new Violation("mtls.backends[0].conf", "could not convert backend config: unknown field \"cacert\""));
    }

    /** Ursa refuses on write what Kuma finds only when it generates the CA, after it stored the Mesh. */
    @Test
    void builtinCaCertThatCannotBeGeneratedIsRefused() {
        assertThat(validateOne("name: ca-1\ntype: builtin\nconf:\n  caCert:\n    expiration: 10 years\n"))
                .containsExactly(new Violation("mtls.backends[0].conf.caCert.expiration", "has to be a valid format"));
        assertThat(validateOne("name: ca-1\ntype: builtin\nconf:\n  caCert:\n    RSAbits: 512\n"))
                .containsExactly(new Violation("mtls.backends[0].conf.caCert.RSAbits", "has to be between 1024 and 16384 (or 0 for 2048)"));
    }

    // ------------------------------------------------------------ provided ValidateBackend (provided/manager_test.go)

    @Test
    void providedEmptyConfig() {
        assertThat(provided("")).containsExactly(
                new Violation("cert", "has to be defined"), new Violation("key", "has to be defined"));
    }

    @Test
    void providedConfigWithoutDataSource() {
        assertThat(provided("cert: {}\nkey: {}\n")).containsExactly(
                new Violation("cert", "data source has to be chosen. Available sources: secret, file, inline"),
                new Violation("key", "data source has to be chosen. Available sources: secret, file, inline"));
    }

    /**
     * Kuma's case writes {@code secret:}, which its YAML reader reads as null; Ursa's reads that empty scalar as "", so
     * the same document is written with an explicit null here (with "", see {@link #providedEmptyValuesOfAChosenSource}).
     */
    @Test
    void providedConfigWithEmptySecret() {
        assertThat(provided("cert:\n  secret: null\nkey:\n  secret: null\n")).containsExactly(
                new Violation("cert", "data source has to be chosen. Available sources: secret, file, inline"),
                new Violation("key", "data source has to be chosen. Available sources: secret, file, inline"));
    }

    @Test
    void providedConfigWithNonExistingFile() {
        // Kuma's case reads /tmp/non-existing-file; a test here never reads outside the repository.
        String missing = "target/non-existing-file";
        assertThat(provided("cert:\n  file: " + missing + "\nkey:\n  file: " + missing + "\n")).containsExactly(
                new Violation("cert", "could not load data: open " + missing + ": no such file or directory"),
                new Violation("key", "could not load data: open " + missing + ": no such file or directory"));
    }

    @Test
    void providedConfigWithInvalidCert() {
        assertThat(provided("cert:\n  inline: dGVzdA==\nkey:\n  inline: dGVzdA==\n")).containsExactly(
                new Violation("cert", "not a valid TLS key pair: tls: failed to find any PEM data in certificate input"));
    }

    @Test
    void providedEmptyValuesOfAChosenSource() {
        assertThat(provided("cert:\n  secret: ''\nkey:\n  inline: ''\n")).containsExactly(
                new Violation("cert.secret", "cannot be empty"), new Violation("key.inline", "cannot be empty"));
        assertThat(provided("cert:\n  file: ''\nkey:\n  file: ca.key\n")).containsExactly(new Violation("cert.file", "cannot be empty"));
    }

    @Test
    void providedConfigThatDoesNotConvert() {
        assertThat(provided("cert:\n  secret: a\n  inline: dGVzdA==\nkey:\n  secret: b\n")).containsExactly(
                new Violation("", "could not convert backend config: cert: error parsing \"inline\", oneof type is already set"));
        assertThat(provided("certificate:\n  secret: a\n")).containsExactly(
                new Violation("", "could not convert backend config: unknown field \"certificate\""));
    }

    @Test
    void providedValidPairFromEachKindOfSource() throws IOException {
        byte[] cert = Files.readAllBytes(FIXTURES.resolve("kuma-provided-ca.pem"));
        byte[] key = Files.readAllBytes(FIXTURES.resolve("kuma-provided-ca.key"));
        String b64Cert = Base64.getEncoder().encodeToString(cert);
        String b64Key = Base64.getEncoder().encodeToString(key);
        assertThat(provided("cert:\n  file: " + FIXTURES.resolve("kuma-provided-ca.pem") + "\nkey:\n  file: " + FIXTURES.resolve("kuma-provided-ca.key") + "\n")).isEmpty();
        assertThat(provided("cert:\n  inline: " + b64Cert + "\nkey:\n  inline: " + b64Key + "\n")).isEmpty();
        assertThat(provided(Json.YAML.writeValueAsString(Map.of("cert", Map.of("inlineString", new String(cert, StandardCharsets.US_ASCII)),
                "key", Map.of("inlineString", new String(key, StandardCharsets.US_ASCII)))))).isEmpty();
        SnapshotLoader secrets = new SnapshotLoader(Map.of("ca-cert", cert, "ca-key", key));
        assertThat(new ProvidedCaBackend().validateBackend("default", providedBackend("cert:\n  secret: ca-cert\nkey:\n  secret: ca-key\n"), secrets)).isEmpty();
    }

    @Test
    void providedSecretThatDoesNotExistIsReportedOnBothFieldsAsInKuma() throws IOException {
        byte[] cert = Files.readAllBytes(FIXTURES.resolve("kuma-provided-ca.pem"));
        SnapshotLoader onlyCert = new SnapshotLoader(Map.of("ca-cert", cert));
        String notFound = "could not load data: resource not found: type=\"Secret\" name=\"ca-key\" mesh=\"default\"";
        MeshMtls mtls = mtls("""
                enabledBackend: ca-1
                backends:
                - name: ca-1
                  type: provided
                  conf:
                    cert:
                      secret: ca-cert
                    key:
                      secret: ca-key
                """);
        assertThat(BACKENDS.validate("default", mtls, onlyCert)).containsExactly(
                new Violation("mtls.backends[0].conf.cert", notFound), new Violation("mtls.backends[0].conf.key", notFound));
        assertThat(CaBackendsValidator.secretsReferenced(mtls)).containsExactly("ca-cert", "ca-key");
    }

    // ------------------------------------------------------------ ValidateCaCert (provided/ca_cert_validator_test.go)

    @Test
    void acceptsAProperCaCertificate() throws IOException {
        assertThat(CaCertValidator.validate(Files.readAllBytes(FIXTURES.resolve("kuma-provided-ca.pem")),
                Files.readAllBytes(FIXTURES.resolve("kuma-provided-ca.key")))).isEmpty();
    }

    @Test
    void rejectsAnEmptyKeyPair() {
        assertThat(CaCertValidator.validate(new byte[0], new byte[0])).containsExactly(
                new Violation("cert", "not a valid TLS key pair: tls: failed to find any PEM data in certificate input"));
    }

    @Test
    void rejectsPlainTextValues() {
        assertThat(CaCertValidator.validate("CERT".getBytes(), "KEY".getBytes())).containsExactly(
                new Violation("cert", "not a valid TLS key pair: tls: failed to find any PEM data in certificate input"));
    }

    @Test
    void rejectsACertAndKeyThatDoNotMatch() throws IOException {
        assertThat(CaCertValidator.validate(Files.readAllBytes(FIXTURES.resolve("kuma-mismatched-cert.pem")),
                Files.readAllBytes(FIXTURES.resolve("kuma-mismatched-key.pem")))).containsExactly(
                new Violation("cert", "not a valid TLS key pair: tls: private key does not match public key"));
    }

    private static final String NOT_CA = "basic constraint 'CA' must be set to 'true' (see X509-SVID: 4.1. Basic Constraints)";
    private static final String NO_CERT_SIGN = "key usage extension 'keyCertSign' must be set (see X509-SVID: 4.3. Key Usage)";
    private static final String KEY_AGREEMENT = "key usage extension 'keyAgreement' must NOT be set (see X509-SVID: Appendix A. X.509 Field Reference)";

    @Test
    void rejectsACertificateWithoutBasicConstraintCa() throws Exception {
        assertThat(selfSigned(null, null)).containsExactly(new Violation("cert[0]", NOT_CA), new Violation("cert[0]", NO_CERT_SIGN));
    }

    @Test
    void rejectsACertificateWithoutKeyCertSign() throws Exception {
        assertThat(selfSigned(true, null)).containsExactly(new Violation("cert[0]", NO_CERT_SIGN));
    }

    @Test
    void rejectsACertificateWithKeyAgreement() throws Exception {
        assertThat(selfSigned(true, KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.keyAgreement))
                .containsExactly(new Violation("cert[0]", KEY_AGREEMENT));
    }

    @Test
    void rejectsACertificateWithMultipleViolations() throws Exception {
        assertThat(selfSigned(null, KeyUsage.digitalSignature | KeyUsage.keyAgreement | KeyUsage.keyEncipherment)).containsExactly(
                new Violation("cert[0]", NOT_CA), new Violation("cert[0]", NO_CERT_SIGN), new Violation("cert[0]", KEY_AGREEMENT));
    }

    // ------------------------------------------------------------ helpers


    private static Resource decode(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    private static List<Violation> documentViolations(String yaml) {
        return ResourceValidation.check(decode(yaml)).list();
    }

    private static String meshWithExpiration(String expiration) {
        return builtinMesh("ca-1", "dpCert:\n      rotation:\n        expiration: '" + expiration + "'");
    }

    private static String builtinMesh(String name, String extra) {
        return """
                type: Mesh
                name: default
                mtls:
                  enabledBackend: %s
                  backends:
                  - name: %s
                    type: builtin
                    %s
                """.formatted(name, name, extra);
    }

    private static MeshMtls mtls(String yaml) {
        try {
            return Json.YAML.treeToValue(Json.YAML.readTree(yaml), MeshMtls.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static MeshMtls.Backend backend(String yaml) {
        try {
            return Json.YAML.treeToValue(Json.YAML.readTree(yaml), MeshMtls.Backend.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Violation> validateOne(String backendYaml) {
        MeshMtls.Backend b = backend(backendYaml);
        return BACKENDS.validate("default", new MeshMtls(b.name(), List.of(b), null), NO_SECRETS);
    }

    private static MeshMtls.Backend providedBackend(String confYaml) {
        try {
            JsonNode conf = confYaml.isBlank() ? null : Json.YAML.readTree(confYaml);
            return new MeshMtls.Backend("provided-1", "provided", null, conf, null, null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Kuma's table: backend {@code provided-1} of mesh {@code default}, no Secrets. */
    private static List<Violation> provided(String confYaml) {
        return new ProvidedCaBackend().validateBackend("default", providedBackend(confYaml), NO_SECRETS);
    }

    /** Kuma's {@code NewSelfSignedCert}: a 2048-bit RSA self-signed certificate with the given extensions. */
    private static List<Violation> selfSigned(Boolean ca, Integer keyUsage) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=test"), BigInteger.ZERO, Date.from(now),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=test"), pair.getPublic());
        if (ca != null) builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (keyUsage != null) builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        String certPem = dev.ursa.cp.pki.Pem.certificate(cert);
        String keyPem = dev.ursa.cp.pki.Pem.privateKey(pair.getPrivate());
        return CaCertValidator.validate(certPem.getBytes(StandardCharsets.US_ASCII), keyPem.getBytes(StandardCharsets.US_ASCII));
    }
}
