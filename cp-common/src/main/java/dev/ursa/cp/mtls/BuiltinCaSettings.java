package dev.ursa.cp.mtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.resources.MeshDuration;
import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.validation.Violation;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A builtin backend's {@code conf.caCert}: {@code RSAbits} (default 2048, also for 0, as Kuma) and {@code expiration}
 * (default 10 years, Kuma's mesh duration format). Checked by the same rules as a write ({@link BuiltinCaBackend}), so
 * a Mesh stored around validation (skipValidation, another build) generates nothing rather than a CA nobody asked for.
 */
record BuiltinCaSettings(int rsaBits, Duration expiration) {
    static final int DEFAULT_RSA_BITS = 2048;
    static final Duration DEFAULT_EXPIRATION = Duration.ofDays(3650);
    private static final BuiltinCaBackend RULES = new BuiltinCaBackend();

    /** Throws {@link IllegalArgumentException} naming the fields when the conf is unusable. */
    static BuiltinCaSettings of(String mesh, MeshMtls.Backend backend) {
        List<Violation> problems = RULES.validateBackend(mesh, backend, null);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; ")));
        }
        JsonNode conf = backend.conf();
        JsonNode caCert = conf == null || conf.isNull() ? null : conf.has("caCert") ? conf.get("caCert") : conf.get("ca_cert");
        int bits = DEFAULT_RSA_BITS;
        Duration expiration = DEFAULT_EXPIRATION;
        if (caCert != null && caCert.hasNonNull("RSAbits")) {
            JsonNode n = caCert.get("RSAbits");
            int value = n.isNumber() ? n.intValue() : Integer.parseInt(n.asText());
            if (value != 0) bits = value;
        }
        if (caCert != null && caCert.hasNonNull("expiration") && !caCert.get("expiration").asText().isEmpty()) {
            expiration = MeshDuration.parse(caCert.get("expiration").asText()).orElseThrow();
            if (expiration.isZero()) throw new IllegalArgumentException("caCert.expiration: must be longer than 0");
        }
        return new BuiltinCaSettings(bits, expiration);
    }
}
