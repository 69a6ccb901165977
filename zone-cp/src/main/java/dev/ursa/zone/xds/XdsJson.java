package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.envoy.EnvoyTypes;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

import java.io.IOException;
import java.util.List;

/**
 * JSON of xDS resources, with every type we pack into {@code Any} registered (for printing and strict parsing). A
 * resource a MeshProxyPatch changed may hold any other type of the Envoy API: printing and parsing then look those up
 * too ({@link EnvoyTypes}).
 */
public final class XdsJson {
    private static final List<Descriptor> RENDERED = List.of(
            HttpConnectionManager.getDescriptor(),
            Router.getDescriptor(),
            RBAC.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor(),
            TcpProxy.getDescriptor(),
            // MeshFaultInjection: fault filters, optionally behind a matcher on the client's certificate
            io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDescriptor(),
            io.envoyproxy.envoy.extensions.common.matching.v3.ExtensionWithMatcher.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.common.matcher.action.v3.SkipFilter.getDescriptor(),
            io.envoyproxy.envoy.extensions.matching.common_inputs.ssl.v3.UriSanInput.getDescriptor(),
            io.envoyproxy.envoy.extensions.matching.common_inputs.network.v3.ServerNameInput.getDescriptor(),
            // MeshRateLimit: HTTP (filter and per-route config) and connection local rate limits
            io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
            HttpProtocolOptions.getDescriptor(),
            Cluster.getDescriptor(),
            UpstreamTlsContext.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDescriptor(),
            // MeshAccessLog and MeshTrace
            io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog.getDescriptor(),
            io.envoyproxy.envoy.extensions.access_loggers.open_telemetry.v3.OpenTelemetryAccessLogConfig.getDescriptor(),
            io.envoyproxy.envoy.config.trace.v3.ZipkinConfig.getDescriptor(),
            io.envoyproxy.envoy.config.trace.v3.DatadogConfig.getDescriptor(),
            io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig.getDescriptor());
    public static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder().add(RENDERED).build();

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES);

    private XdsJson() {
    }

    public static String print(Message m) {
        try {
            return PRINTER.print(m);
        } catch (InvalidProtocolBufferException unregistered) {
            try {
                return JsonFormat.printer().usingTypeRegistry(EnvoyTypes.registryFor(m, RENDERED)).print(m);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot print " + m.getDescriptorForType().getFullName() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Strict: unknown fields and Any types the Envoy API does not have fail. */
    public static <B extends Message.Builder> B parse(String json, B into) throws InvalidProtocolBufferException {
        JsonFormat.TypeRegistry types = TYPES;
        try {
            JsonNode tree = Json.JSON.readTree(json);
            boolean unregistered = EnvoyTypes.typeUrls(tree).stream().anyMatch(u -> TYPES.find(u.substring(u.lastIndexOf('/') + 1)) == null);
            if (unregistered) types = EnvoyTypes.registryFor(tree, RENDERED);
        } catch (IOException e) {
            // not JSON: the parser below says so
        }
        JsonFormat.parser().usingTypeRegistry(types).merge(json, into);
        return into;
    }
}
