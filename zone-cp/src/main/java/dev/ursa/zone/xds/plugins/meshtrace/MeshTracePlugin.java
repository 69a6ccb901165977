package dev.ursa.zone.xds.plugins.meshtrace;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.ursa.mesh.matching.ConfMerger;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.common.GoRequestUri;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.meshtrace.MeshTracePolicy;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.Backend;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.Conf;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.Tag;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.render.CollectorCluster;
import dev.ursa.zone.xds.render.EnvoyResourceSet;
import dev.ursa.zone.xds.render.InboundConfig;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.trace.v3.DatadogConfig;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.trace.v3.Tracing;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import io.envoyproxy.envoy.type.v3.Percent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * MeshTrace. Envoy: tracing on every HTTP connection manager (inbound and outbound) as Kuma renders it: the one
 * backend as the provider ({@code envoy.tracers.zipkin}, {@code .datadog} or {@code .opentelemetry}) sending to a
 * collector cluster {@code meshtrace:<provider>}, overall/client/random sampling percentages, the user's custom tags
 * plus {@code kuma.mesh} and {@code kuma.zone}. TCP listeners carry no tracing. The conf is the merge of every
 * selecting policy's {@code default}, the most specific last; an inbound ignores policies aimed at another of the
 * Dataplane's sections. Proxyless gRPC: grpc-java does no tracing from xDS, so nothing is applied and
 * {@code _policies} says so.
 */
public final class MeshTracePlugin implements PolicyPlugin {
    static final String PROXYLESS_NOTE = "not applied to proxyless gRPC dataplanes: grpc-java does no tracing from xDS "
            + "(trace in the application, e.g. with OpenTelemetry's gRPC instrumentation)";

    @Override
    public PolicyType descriptor() {
        return MeshTracePolicy.TYPE;
    }

    @Override
    public Optional<String> notApplied(Flavour flavour) {
        return flavour == Flavour.PROXYLESS ? Optional.of(PROXYLESS_NOTE) : Optional.empty();
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        List<Inbound> inbounds = cfg.view().inbounds();
        String service = inbounds.isEmpty() ? "unknown" : inbounds.getFirst().serviceName();
        String mesh = cfg.view().id().mesh();
        for (InboundConfig in : cfg.inbounds()) {
            if (!in.http()) continue;
            conf(rules, in.inbound()).ifPresent(c -> configure(in.hcm, c, new Context(service, "INBOUND", "", mesh, cfg.localZone()), cfg));
        }
        Optional<Conf> outbound = conf(rules, null);
        for (OutboundConfig out : cfg.outbounds()) {
            if (!out.http()) continue;
            outbound.ifPresent(c -> configure(out.hcm, c, new Context(service, "OUTBOUND", out.service(), mesh, cfg.localZone()), cfg));
        }
    }

    /** The merged conf for an inbound (null: for outbounds); empty when no policy has a backend to trace to. */
    private static Optional<Conf> conf(PolicyRules rules, Inbound inbound) {
        List<Conf> confs = new ArrayList<>();
        for (PolicyMatch m : rules.matches()) {
            if (!(m.spec() instanceof MeshTraceSpec spec) || spec.defaults() == null) continue;
            TargetRef ref = m.targetRef();
            boolean otherSection = ref.kind() == TargetRefKind.Dataplane && ref.sectionName() != null && !ref.sectionName().isEmpty()
                    && !m.inbounds().contains(inbound);
            if (inbound != null && otherSection) continue;
            confs.add(spec.defaults());
        }
        ConfMerger.Merged merged = ConfMerger.merge(confs);
        if (merged == null) return Optional.empty();
        Conf conf = (Conf) merged.conf();
        return conf.backends() == null || conf.backends().isEmpty() ? Optional.empty() : Optional.of(conf);
    }

    /** What the span service names and tags are made of on one listener. */
    private record Context(String service, String direction, String destination, String mesh, String zone) {
    }

    private static void configure(HttpConnectionManager.Builder hcm, Conf conf, Context ctx, ProxyConfig cfg) {
        Backend backend = conf.backends().getFirst();
        HttpConnectionManager.Tracing.Builder tracing = HttpConnectionManager.Tracing.newBuilder().setSpawnUpstreamSpan(BoolValue.of(false));
        if (conf.sampling() != null) {
            percent(conf.sampling().overall()).ifPresent(tracing::setOverallSampling);
            percent(conf.sampling().client()).ifPresent(tracing::setClientSampling);
            percent(conf.sampling().random()).ifPresent(tracing::setRandomSampling);
        }
        List<CustomTag> tags = new ArrayList<>();
        if (conf.tags() != null) {
            for (Tag t : conf.tags()) {
                if (t.header() != null) {
                    tags.add(CustomTag.newBuilder().setTag(t.name()).setRequestHeader(CustomTag.Header.newBuilder()
                            .setName(t.header().name()).setDefaultValue(t.header().defaultValue() == null ? "" : t.header().defaultValue())).build());
                } else {
                    tags.add(literal(t.name(), t.literal() == null ? "" : t.literal()));
                }
            }
        }
        for (String[] kv : new String[][]{{"kuma.mesh", ctx.mesh()}, {"kuma.zone", ctx.zone()}}) {
            if (kv[1].isEmpty() || tags.stream().anyMatch(t -> t.getTag().equals(kv[0]))) continue;
            tags.add(literal(kv[0], kv[1]));
        }
        tracing.addAllCustomTags(tags);
        providerOf(backend, ctx, cfg).ifPresent(tracing::setProvider);
        hcm.setTracing(tracing);
    }

    /** The provider and its collector cluster (added to the config); empty for a backendRef, which Ursa cannot resolve. */
    private static Optional<Tracing.Http> providerOf(Backend backend, Context ctx, ProxyConfig cfg) {
        if (backend.effectiveType() == null) return Optional.empty();
        return switch (backend.effectiveType()) {
            case Zipkin -> {
                var zipkin = backend.zipkin();
                GoRequestUri url = GoRequestUri.parse(zipkin.url()).orElseThrow(() -> new IllegalStateException("invalid URL of Zipkin"));
                cfg.systemCluster(EnvoyResourceSet.MESH_TRACE, cluster("meshtrace:zipkin", url, false));
                ZipkinConfig z = ZipkinConfig.newBuilder()
                        .setCollectorCluster("meshtrace:zipkin")
                        .setCollectorEndpoint(url.path())
                        .setTraceId128Bit(Boolean.TRUE.equals(zipkin.traceId128bit()))
                        .setCollectorEndpointVersion("httpProto".equals(zipkin.apiVersion())
                                ? ZipkinConfig.CollectorEndpointVersion.HTTP_PROTO : ZipkinConfig.CollectorEndpointVersion.HTTP_JSON)
                        .setSharedSpanContext(BoolValue.of(zipkin.sharedSpanContextOrDefault()))
                        .setCollectorHostname(url.host())
                        .build();
                yield Optional.of(http("envoy.tracers.zipkin", Any.pack(z)));
            }
            case Datadog -> {
                var datadog = backend.datadog();
                GoRequestUri url = GoRequestUri.parse(datadog.url()).orElseThrow(() -> new IllegalStateException("invalid URL of Datadog"));
                cfg.systemCluster(EnvoyResourceSet.MESH_TRACE, cluster("meshtrace:datadog", url, false));
                String serviceName = Boolean.TRUE.equals(datadog.splitService())
                        ? ctx.direction().equals("INBOUND") ? ctx.service() + "_INBOUND" : ctx.service() + "_OUTBOUND_" + ctx.destination()
                        : ctx.service();
                yield Optional.of(http("envoy.tracers.datadog", Any.pack(DatadogConfig.newBuilder()
                        .setCollectorCluster("meshtrace:datadog").setServiceName(serviceName).build())));
            }
            case OpenTelemetry -> {
                var otel = backend.openTelemetry();
                if (otel.endpoint() == null || otel.endpoint().isEmpty()) yield Optional.empty();
                OtelEndpoint endpoint = OtelEndpoint.parse(otel.endpoint());
                cfg.systemCluster(EnvoyResourceSet.MESH_TRACE, CollectorCluster.of("meshtrace:opentelemetry", endpoint.host(), endpoint.port(), true));
                yield Optional.of(http("envoy.tracers.opentelemetry", Any.pack(OpenTelemetryConfig.newBuilder()
                        .setServiceName(ctx.service())
                        .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder()
                                .setClusterName("meshtrace:opentelemetry"))).build())));
            }
        };
    }

    /** Kuma's collector cluster for a URL: its host and port (0 when the URL has none, as Kuma), TLS for https. */
    private static Cluster cluster(String name, GoRequestUri url, boolean http2) {
        int port = url.port().isEmpty() ? 0 : Integer.parseInt(url.port());
        Cluster c = CollectorCluster.of(name, url.hostname(), port, http2);
        if (!url.scheme().equals("https")) return c;
        UpstreamTlsContext tls = UpstreamTlsContext.newBuilder().setSni(url.hostname()).setAllowRenegotiation(true).build();
        return c.toBuilder().setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(tls))).build();
    }

    private static Tracing.Http http(String name, Any config) {
        return Tracing.Http.newBuilder().setName(name).setTypedConfig(config).build();
    }

    private static CustomTag literal(String name, String value) {
        return CustomTag.newBuilder().setTag(name).setLiteral(CustomTag.Literal.newBuilder().setValue(value)).build();
    }

    private static Optional<Percent> percent(KumaDecimal d) {
        return d == null ? Optional.empty() : d.decimal().map(v -> Percent.newBuilder().setValue(v.doubleValue()).build());
    }

    /** Kuma's ParseOtelEndpoint: host[:port], 4317 when the port is absent. */
    private record OtelEndpoint(String host, int port) {
        static OtelEndpoint parse(String endpoint) {
            int colon = endpoint.lastIndexOf(':');
            if (endpoint.chars().filter(c -> c == ':').count() > 1 && !endpoint.contains("[")) return new OtelEndpoint(endpoint, 4317);
            if (colon < 0 || colon < endpoint.lastIndexOf(']')) return new OtelEndpoint(strip(endpoint), 4317);
            int port = 4317;
            try {
                int p = Integer.parseInt(endpoint.substring(colon + 1));
                if (p > 0 && p <= 65535) port = p;
            } catch (NumberFormatException e) {
                // Kuma keeps the default port
            }
            String host = strip(endpoint.substring(0, colon));
            return host.isEmpty() ? new OtelEndpoint(endpoint, 4317) : new OtelEndpoint(host, port);
        }

        private static String strip(String host) {
            return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        }
    }
}
