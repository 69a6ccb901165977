package dev.ursa.cp.mtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.resources.CaSecrets;
import dev.ursa.mesh.resources.MeshDuration;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.validation.Violation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kuma's builtin CA {@code ValidateBackend} ({@code pkg/plugins/ca/builtin/manager.go}): the conf parses as
 * {@code caCert: {RSAbits, expiration}}, and the CA's Secret name ({@code <mesh>.ca-builtin-cert-<backend>}) is at most
 * 255 characters and a lower-case DNS name. Kuma reports the name rules at {@code mtls.backends.name} (no index), and
 * its caller nests that under the backend's {@code conf}; both are kept.
 *
 * <p>Ursa adds what Kuma only finds when it generates the CA, after the Mesh was stored: {@code caCert.expiration} in
 * Kuma's duration format and a key size Ursa can generate.
 */
public final class BuiltinCaBackend implements CaBackendType {
    public static final int MAX_BACKEND_NAME_LENGTH = 255;
    public static final int MIN_RSA_BITS = 1024;
    public static final int MAX_RSA_BITS = 16384;
    // govalidator's DNSName: labels of [a-zA-Z0-9_] then [a-zA-Z0-9_-]{0,62}, an optional trailing '.' or '_'.
    private static final Pattern DNS_NAME = Pattern.compile(
            "^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$");
    private static final Set<String> CONF_FIELDS = Set.of("caCert", "ca_cert");
    private static final Set<String> CA_CERT_FIELDS = Set.of("RSAbits", "expiration");

    @Override
    public String type() {
        return MeshMtls.BUILTIN;
    }

    @Override
    public List<Violation> validateBackend(String mesh, MeshMtls.Backend backend, DataSourceLoader loader) {
        List<Violation> out = new ArrayList<>();
        JsonNode caCert = null;
        try {
            caCert = parse(backend.conf());
        } catch (IllegalArgumentException e) {
            out.add(new Violation("", "could not convert backend config: " + e.getMessage()));
        }
        String secretName = CaSecrets.builtinCert(mesh, backend.name() == null ? "" : backend.name());
        if (secretName.length() > MAX_BACKEND_NAME_LENGTH) {
            out.add(new Violation("mtls.backends.name", "Backend name is too long. Max length: " + MAX_BACKEND_NAME_LENGTH));
        }
        if (!isDnsName(secretName) || !secretName.equals(secretName.toLowerCase(Locale.ROOT))) {
            out.add(new Violation("mtls.backends.name", "\"" + backend.name() + "\" name must be valid dns name"));
        }
        if (caCert != null) {
            JsonNode expiration = caCert.get("expiration");
            if (expiration != null && !expiration.isNull() && !expiration.asText().isEmpty() && MeshDuration.parse(expiration.asText()).isEmpty()) {
                out.add(new Violation("caCert.expiration", "has to be a valid format"));
            }
            JsonNode bits = caCert.get("RSAbits");
            if (bits != null && !bits.isNull()) {
                long n = uint32(bits).orElseThrow();
                if (n != 0 && (n < MIN_RSA_BITS || n > MAX_RSA_BITS)) {
                    out.add(new Violation("caCert.RSAbits", "has to be between " + MIN_RSA_BITS + " and " + MAX_RSA_BITS + " (or 0 for 2048)"));
                }
            }
        }
        return out;
    }

    /** govalidator's {@code IsDNSName}. */
    static boolean isDnsName(String s) {
        return !s.isEmpty() && s.replace(".", "").length() <= 255 && DNS_NAME.matcher(s).matches();
    }

    /** The {@code caCert} object of a builtin conf (null when absent), as Kuma's protobuf decoding accepts it. */
    private static JsonNode parse(JsonNode conf) {
        if (conf == null || conf.isNull()) return null;
        if (!conf.isObject()) throw new IllegalArgumentException("must be an object");
        conf.fieldNames().forEachRemaining(f -> {
            if (!CONF_FIELDS.contains(f)) throw new IllegalArgumentException("unknown field \"" + f + "\"");
        });
        JsonNode caCert = conf.has("caCert") ? conf.get("caCert") : conf.get("ca_cert");
        if (caCert == null || caCert.isNull()) return null;
        if (!caCert.isObject()) throw new IllegalArgumentException("caCert: must be an object");
        caCert.fieldNames().forEachRemaining(f -> {
            if (!CA_CERT_FIELDS.contains(f)) throw new IllegalArgumentException("caCert: unknown field \"" + f + "\"");
        });
        JsonNode bits = caCert.get("RSAbits");
        if (bits != null && !bits.isNull() && uint32(bits).isEmpty()) {
            throw new IllegalArgumentException("caCert.RSAbits: invalid value for uint32 type: " + bits);
        }
        JsonNode expiration = caCert.get("expiration");
        if (expiration != null && !expiration.isNull() && !expiration.isTextual()) {
            throw new IllegalArgumentException("caCert.expiration: invalid value for string type: " + expiration);
        }
        return caCert;
    }

    private static OptionalLong uint32(JsonNode n) {
        String text;
        if (n.isNumber()) text = n.decimalValue().stripTrailingZeros().toPlainString();
        else if (n.isTextual()) text = n.asText();
        else return OptionalLong.empty();
        try {
            long v = Long.parseLong(text);
            return v >= 0 && v <= 0xFFFF_FFFFL ? OptionalLong.of(v) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
