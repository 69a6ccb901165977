package dev.ursa.mesh.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.mesh.policy.common.GoNet;
import dev.ursa.mesh.policy.common.GoRequestUri;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kuma 2.14's checks of a Mesh's logging, tracing and metrics backends ({@code validateLogging}, {@code validateTracing},
 * {@code validateMetrics}): names unique, the default/enabled backend one of them, a known type, and the backend's
 * {@code conf} parsed as its type's config (wrong types refused; unknown fields ignored, as Kuma's {@code ToTyped}
 * ignores them) and checked. Paths as Kuma reports them: a logging
 * or tracing backend's {@code conf} is {@code config} there; a metrics backend's is {@code conf}.
 */
final class MeshBackendsValidator {
    private static final ObjectMapper STRICT = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Set<String> ZIPKIN_API_VERSIONS = Set.of("httpJsonV1", "httpJson", "httpProto");
    private static final Set<String> PROMETHEUS_TLS_MODES = Set.of("activeMTLSBackend", "providedTLS", "disabled");

    private MeshBackendsValidator() {
    }

    static void logging(MeshSections.Logging logging, FieldPath path, Violations out) {
        if (logging == null) return;
        Set<String> used = new HashSet<>();
        List<MeshSections.LoggingBackend> backends = logging.backendsOrEmpty();
        for (int i = 0; i < backends.size(); i++) {
            MeshSections.LoggingBackend b = backends.get(i);
            FieldPath at = path.field("backends").index(i);
            String name = b.name() == null ? "" : b.name();
            if (name.isEmpty()) out.add(at.field("name"), "cannot be empty");
            FieldPath config = at.field("config");
            switch (b.type() == null ? "" : b.type()) {
                case "file" -> parse(b.conf(), MeshSections.FileLoggingConfig.class, config, out).ifPresent(c -> {
                    if (c.path() == null || c.path().isEmpty()) out.add(config.field("path"), "cannot be empty");
                });
                case "tcp" -> parse(b.conf(), MeshSections.TcpLoggingConfig.class, config, out).ifPresent(c -> {
                    if (c.address() == null || c.address().isEmpty()) {
                        out.add(config.field("address"), "cannot be empty");
                    } else if (!isHostPort(c.address())) {
                        out.add(config.field("address"), "has to be in format of HOST:PORT");
                    }
                });
                default -> out.add(at.field("type"), "unknown backend type. Available backends: \"tcp\", \"file\"");
            }
            if (!used.add(name)) out.add(at.field("name"), "\"" + name + "\" name is already used for another backend");
        }
        if (logging.defaultBackend() != null && !logging.defaultBackend().isEmpty() && !used.contains(logging.defaultBackend())) {
            out.add(path.field("defaultBackend"), "has to be set to one of the logging backend in mesh");
        }
    }

    static void tracing(MeshSections.Tracing tracing, FieldPath path, Violations out) {
        if (tracing == null) return;
        Set<String> used = new HashSet<>();
        List<MeshSections.TracingBackend> backends = tracing.backendsOrEmpty();
        for (int i = 0; i < backends.size(); i++) {
            MeshSections.TracingBackend b = backends.get(i);
            FieldPath at = path.field("backends").index(i);
            String name = b.name() == null ? "" : b.name();
            if (name.isEmpty()) out.add(at.field("name"), "cannot be empty");
            if (b.sampling() != null && (b.sampling() < 0.0 || b.sampling() > 100.0)) {
                out.add(at.field("sampling"), "has to be in [0.0 - 100.0] range");
            }
            FieldPath config = at.field("config");
            switch (b.type() == null ? "" : b.type()) {
                case "zipkin" -> parse(b.conf(), MeshSections.ZipkinConfig.class, config, out).ifPresent(c -> zipkin(c, config, out));
                case "datadog" -> parse(b.conf(), MeshSections.DatadogConfig.class, config, out).ifPresent(c -> {
                    if (c.address() == null || c.address().isEmpty()) out.add(config.field("address"), "cannot be empty");
                    port(c.port(), config.field("port"), out);
                });
                default -> out.add(at.field("type"), "unknown backend type. Available backends: \"zipkin\", \"datadog\"");
            }
            if (!used.add(name)) out.add(at.field("name"), "\"" + name + "\" name is already used for another backend");
        }
        if (tracing.defaultBackend() != null && !tracing.defaultBackend().isEmpty() && !used.contains(tracing.defaultBackend())) {
            out.add(path.field("defaultBackend"), "has to be set to one of the tracing backend in mesh");
        }
    }

    private static void zipkin(MeshSections.ZipkinConfig c, FieldPath config, Violations out) {
        if (c.apiVersion() != null && !c.apiVersion().isEmpty() && !ZIPKIN_API_VERSIONS.contains(c.apiVersion())) {
            out.add(config.field("apiVersion"), "has invalid value. Allowed values: httpJsonV1, httpJson, httpProto");
        }
        if (c.url() == null || c.url().isEmpty()) {
            out.add(config.field("url"), "cannot be empty");
            return;
        }
        Optional<GoRequestUri> uri = GoRequestUri.parse(c.url()); // Kuma's url.ParseRequestURI
        if (uri.isEmpty()) {
            out.add(config.field("url"), "invalid URL");
        } else if (uri.get().port().isEmpty()) {
            out.add(config.field("url"), "port has to be explicitly specified");
        }
    }

    static void metrics(MeshSections.Metrics metrics, FieldPath path, Violations out) {
        if (metrics == null) return;
        Set<String> used = new HashSet<>();
        List<MeshSections.MetricsBackend> backends = metrics.backendsOrEmpty();
        for (int i = 0; i < backends.size(); i++) {
            MeshSections.MetricsBackend b = backends.get(i);
            FieldPath at = path.field("backends").index(i);
            String name = b.name() == null ? "" : b.name();
            if (used.contains(name)) out.add(at.field("name"), "\"" + name + "\" name is already used for another backend");
            if (!"prometheus".equals(b.type())) {
                out.add(at.field("type"), "unknown backend type. Available backends: \"prometheus\"");
            } else {
                prometheusConf(b.conf(), at.field("conf"), out);
            }
            used.add(name);
        }
        if (metrics.enabledBackend() != null && !metrics.enabledBackend().isEmpty() && !used.contains(metrics.enabledBackend())) {
            out.add(path.field("enabledBackend"), "has to be set to one of the backends in the mesh");
        }
    }

    /** Kuma's {@code validatePrometheusConfig}: a Mesh's prometheus backend's {@code conf}, and a Dataplane's {@code metrics.conf}. */
    static void prometheusConf(JsonNode conf, FieldPath path, Violations out) {
        parse(conf, MeshSections.PrometheusConfig.class, path, out).ifPresent(c -> prometheus(c, path, out));
    }

    private static void prometheus(MeshSections.PrometheusConfig c, FieldPath conf, Violations out) {
        String mode = c.tls() == null || c.tls().mode() == null ? "activeMTLSBackend" : c.tls().mode();
        if (!PROMETHEUS_TLS_MODES.contains(mode)) {
            out.add(conf.field("tls").field("mode"), "must be one of activeMTLSBackend, providedTLS, disabled");
            return;
        }
        if (c.skipMTLS() != null && c.tls() != null) {
            boolean equal = (!c.skipMTLS() && mode.equals("activeMTLSBackend")) || (c.skipMTLS() && mode.equals("disabled"));
            if (!equal) {
                out.add(conf, "skipMTLS and tls configuration cannot be defined together");
                return;
            }
        }
        String regex = c.envoy() == null || c.envoy().filterRegex() == null ? "" : c.envoy().filterRegex();
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            out.add(conf.field("envoy").field("filterRegex"), "provided regexp isn't correct: " + e.getDescription());
            return;
        }
        if (c.aggregate() == null) return;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < c.aggregate().size(); i++) {
            String name = c.aggregate().get(i) == null || c.aggregate().get(i).name() == null ? "" : c.aggregate().get(i).name();
            if (!names.add(name)) out.add(conf.field("aggregate").index(i).field("name"), "duplicate entry: " + name + ", values have to be unique");
        }
    }

    /** Kuma's {@code proto.ToTyped} of a backend's {@code conf}: wrong types are refused, unknown fields ignored. */
    private static <T> Optional<T> parse(JsonNode conf, Class<T> type, FieldPath path, Violations out) {
        JsonNode node = conf == null || conf.isNull() ? STRICT.createObjectNode() : conf;
        if (!node.isObject()) {
            out.add(path, "could not parse config: must be an object");
            return Optional.empty();
        }
        try {
            return Optional.of(STRICT.treeToValue(node, type));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                    ? m.getPath().getLast().getFieldName() : null;
            out.add(path, "could not parse config: " + (field == null ? "invalid value" : "invalid value for field \"" + field + "\""));
        }
        return Optional.empty();
    }

    private static void port(Long port, FieldPath path, Violations out) {
        if (port == null || port == 0 || port > 65535 || port < 0) out.add(path, "port must be in the range [1, 65535]");
    }

    /** Kuma: Go's net.SplitHostPort succeeds with a non-empty host and port. */
    private static boolean isHostPort(String address) {
        return GoNet.splitHostPort(address).filter(hp -> !hp.host().isEmpty() && !hp.port().isEmpty()).isPresent();
    }
}
