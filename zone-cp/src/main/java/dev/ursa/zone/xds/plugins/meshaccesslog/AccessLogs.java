package dev.ursa.zone.xds.plugins.meshaccesslog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Backend;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.FileBackend;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Format;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.JsonValue;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.OtelAttribute;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.OtelBackend;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.TcpBackend;
import dev.ursa.zone.xds.render.CollectorCluster;
import dev.ursa.zone.xds.render.EnvoyResourceSet;
import dev.ursa.zone.xds.render.ProxyConfig;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.CommonGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.open_telemetry.v3.OpenTelemetryAccessLogConfig;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns MeshAccessLog backends into Envoy access loggers as Kuma renders them (its meshaccesslog/plugin/xds): a File
 * backend is {@code envoy.access_loggers.file} on the backend's path; a Tcp backend is also a file logger, writing
 * {@code {"address", "message"}} JSON lines to the dataplane's log socket {@code /var/run/kuma-al-<name>-<mesh>.sock}
 * (Kuma's name; kuma-dp keeps it in its work dir and forwards the lines to the address; Ursa has no such forwarder
 * yet, see docs/policies.md); an OpenTelemetry backend is
 * {@code envoy.access_loggers.open_telemetry} sending to a collector cluster {@code meshaccesslog:opentelemetry:<n>}
 * (one per distinct endpoint of the dataplane, added to the config). One instance per render.
 */
final class AccessLogs {
    static final String DEFAULT_TCP_FORMAT = "[%START_TIME%] %RESPONSE_FLAGS% %KUMA_MESH% %KUMA_SOURCE_ADDRESS_WITHOUT_PORT%(%KUMA_SOURCE_SERVICE%)->%UPSTREAM_HOST%(%KUMA_DESTINATION_SERVICE%) took %DURATION%ms, sent %BYTES_SENT% bytes, received: %BYTES_RECEIVED% bytes";
    static final String DEFAULT_HTTP_FORMAT = "[%START_TIME%] %KUMA_MESH% \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" \"%REQ(X-B3-TRACEID?X-DATADOG-TRACEID)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%KUMA_SOURCE_SERVICE%\" \"%KUMA_DESTINATION_SERVICE%\" \"%KUMA_SOURCE_ADDRESS_WITHOUT_PORT%\" \"%UPSTREAM_HOST%\"";
    private static final int DEFAULT_OTEL_PORT = 4317;
    /** Where the TCP log socket is: Kuma's kuma-dp uses its work dir; Ursa a fixed, documented one. */
    static final String SOCKET_DIR = "/var/run";

    private final ProxyConfig cfg;
    private final String socketPath;
    private final Map<String, String> collectorClusters = new LinkedHashMap<>();

    AccessLogs(ProxyConfig cfg) {
        this.cfg = cfg;
        String path = SOCKET_DIR + "/kuma-al-" + cfg.view().id().name() + "-" + cfg.view().id().mesh();
        // Kuma keeps socket paths under the Unix limit: at most 98 characters before ".sock"
        this.socketPath = path.substring(0, Math.min(path.length(), 98)) + ".sock";
    }

    /** The access loggers for {@code backends}, in order; a backend that cannot be resolved (backendRef) is skipped, as in Kuma. */
    List<AccessLog> of(List<Backend> backends, String defaultFormat, KumaValues values) {
        List<AccessLog> out = new ArrayList<>();
        for (Backend b : backends) {
            if (b == null || b.effectiveType() == null) continue;
            switch (b.effectiveType()) {
                case File -> out.add(file(b.file(), defaultFormat, values));
                case Tcp -> out.add(tcp(b.tcp(), defaultFormat, values));
                case OpenTelemetry -> otel(b.openTelemetry(), defaultFormat, values).ifPresent(out::add);
            }
        }
        return out;
    }

    private static AccessLog file(FileBackend file, String defaultFormat, KumaValues values) {
        Format f = file.format();
        SubstitutionFormatString sfs;
        if (f == null) {
            sfs = plain(defaultFormat + "\n", false, values);
        } else if (f.plain() != null) { // Kuma looks at plain first, whatever the type says
            sfs = plain(f.plain() + "\n", f.omitEmpty(), values);
        } else {
            sfs = json(fields(f.json(), values), f.omitEmpty());
        }
        return fileLog(FileAccessLog.newBuilder().setPath(file.path()).setLogFormat(sfs).build());
    }

    private AccessLog tcp(TcpBackend tcp, String defaultFormat, KumaValues values) {
        Format f = tcp.format();
        Value message;
        boolean omitEmpty = false;
        if (f == null) {
            message = string(values.interpolate(defaultFormat + "\n"));
        } else if (f.plain() != null) {
            message = string(values.interpolate(f.plain() + "\n"));
            omitEmpty = f.omitEmpty();
        } else {
            message = Value.newBuilder().setStructValue(Struct.newBuilder().putAllFields(fields(f.json(), values))).build();
            omitEmpty = f.omitEmpty();
        }
        Map<String, Value> fields = new TreeMap<>();
        fields.put("address", string(tcp.address()));
        fields.put("message", message);
        return fileLog(FileAccessLog.newBuilder().setPath(socketPath).setLogFormat(json(fields, omitEmpty)).build());
    }

    private Optional<AccessLog> otel(OtelBackend otel, String defaultFormat, KumaValues values) {
        if (otel.endpoint() == null || otel.endpoint().isEmpty()) {
            return Optional.empty(); // a backendRef: Ursa has no MeshOpenTelemetryBackend to resolve (the validator warns)
        }
        Endpoint endpoint = Endpoint.parse(otel.endpoint());
        String key = endpoint.host() + ":" + endpoint.port();
        String cluster = collectorClusters.computeIfAbsent(key, k -> "meshaccesslog:opentelemetry:" + collectorClusters.size());
        cfg.systemCluster(EnvoyResourceSet.MESH_ACCESS_LOG, CollectorCluster.of(cluster, endpoint.host(), endpoint.port(), true));

        KeyValueList.Builder attributes = KeyValueList.newBuilder();
        for (OtelAttribute a : otel.attributesOrEmpty()) {
            attributes.addValues(KeyValue.newBuilder().setKey(values.interpolate(nullToEmpty(a.key())))
                    .setValue(AnyValue.newBuilder().setStringValue(values.interpolate(nullToEmpty(a.value())))));
        }
        KeyValueList.Builder resource = KeyValueList.newBuilder()
                .addValues(KeyValue.newBuilder().setKey("kuma.mesh").setValue(AnyValue.newBuilder().setStringValue(values.mesh())));
        if (!values.zone().isEmpty()) {
            resource.addValues(KeyValue.newBuilder().setKey("kuma.zone").setValue(AnyValue.newBuilder().setStringValue(values.zone())));
        }
        OpenTelemetryAccessLogConfig config = OpenTelemetryAccessLogConfig.newBuilder()
                .setCommonConfig(CommonGrpcAccessLogConfig.newBuilder().setLogName("MeshAccessLog")
                        .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(cluster))))
                .setBody(body(otel, defaultFormat, values))
                .setAttributes(attributes)
                .setResourceAttributes(resource)
                .build();
        return Optional.of(AccessLog.newBuilder().setName("envoy.access_loggers.open_telemetry").setTypedConfig(Any.pack(config)).build());
    }

    /** The body as written when it is an OTLP AnyValue in JSON, else its JSON text as a string (Kuma's fallback). */
    private static AnyValue body(OtelBackend otel, String defaultFormat, KumaValues values) {
        if (otel.body() == null || otel.body().isNull()) {
            return AnyValue.newBuilder().setStringValue(values.interpolate(defaultFormat)).build();
        }
        String raw;
        try {
            raw = Json.JSON.writeValueAsString(otel.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            AnyValue.Builder parsed = AnyValue.newBuilder();
            JsonFormat.parser().merge(raw, parsed);
            return interpolate(parsed.build(), values);
        } catch (InvalidProtocolBufferException e) {
            return AnyValue.newBuilder().setStringValue(values.interpolate(raw)).build();
        }
    }

    private static AnyValue interpolate(AnyValue v, KumaValues values) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.toBuilder().setStringValue(values.interpolate(v.getStringValue())).build();
            case ARRAY_VALUE -> {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                v.getArrayValue().getValuesList().forEach(x -> a.addValues(interpolate(x, values)));
                yield v.toBuilder().setArrayValue(a).build();
            }
            case KVLIST_VALUE -> {
                KeyValueList.Builder l = KeyValueList.newBuilder();
                v.getKvlistValue().getValuesList().forEach(kv -> l.addValues(KeyValue.newBuilder()
                        .setKey(values.interpolate(kv.getKey())).setValue(interpolate(kv.getValue(), values))));
                yield v.toBuilder().setKvlistValue(l).build();
            }
            default -> v;
        };
    }

    private static Map<String, Value> fields(List<JsonValue> json, KumaValues values) {
        Map<String, Value> fields = new TreeMap<>();
        for (JsonValue kv : json) {
            fields.put(nullToEmpty(kv.key()), string(values.interpolate(nullToEmpty(kv.value()))));
        }
        return fields;
    }

    private static SubstitutionFormatString plain(String format, boolean omitEmpty, KumaValues values) {
        return SubstitutionFormatString.newBuilder()
                .setTextFormatSource(DataSource.newBuilder().setInlineString(values.interpolate(format)))
                .setOmitEmptyValues(omitEmpty).build();
    }

    private static SubstitutionFormatString json(Map<String, Value> fields, boolean omitEmpty) {
        return SubstitutionFormatString.newBuilder().setJsonFormat(Struct.newBuilder().putAllFields(fields))
                .setOmitEmptyValues(omitEmpty).build();
    }

    private static AccessLog fileLog(FileAccessLog log) {
        return AccessLog.newBuilder().setName("envoy.access_loggers.file").setTypedConfig(Any.pack(log)).build();
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Kuma's ParseOtelEndpoint: host[:port], port 4317 when absent or not a port. */
    record Endpoint(String host, int port) {
        static Endpoint parse(String endpoint) {
            if (endpoint.chars().filter(c -> c == ':').count() > 1 && !endpoint.contains("[")) {
                return new Endpoint(endpoint, DEFAULT_OTEL_PORT);
            }
            String host = endpoint;
            int port = DEFAULT_OTEL_PORT;
            int colon = endpoint.lastIndexOf(':');
            if (colon >= 0 && colon > endpoint.lastIndexOf(']')) {
                host = endpoint.substring(0, colon);
                try {
                    int p = Integer.parseInt(endpoint.substring(colon + 1));
                    if (p > 0 && p <= 65535) port = p;
                } catch (NumberFormatException e) {
                    // Kuma keeps the default port
                }
            }
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            return host.isEmpty() ? new Endpoint(endpoint, DEFAULT_OTEL_PORT) : new Endpoint(host, port);
        }
    }
}
