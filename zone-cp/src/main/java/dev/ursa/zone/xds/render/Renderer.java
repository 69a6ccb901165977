package dev.ursa.zone.xds.render;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.ursa.mesh.crosszone.CrossZoneNames;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import dev.ursa.mesh.matching.MatchInput;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.matching.PolicyMatcher;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.zone.xds.mtls.ProxylessTls;
import dev.ursa.zone.xds.mtls.Sds;
import dev.ursa.zone.xds.mtls.WorkloadIdentity;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.OutboundView;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a {@link DataplaneView} into xDS in its flavour: builds the base configuration, lets each policy plugin edit it,
 * then packs and versions the resources. Pure and thread-safe.
 */
public final class Renderer {
    /** Where Envoy upstream HTTP options live on a cluster. */
    public static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(5).build();
    /** What Envoy checks first, with every packed type of the Envoy API looked into. */
    private static final EnvoyConstraints CONSTRAINTS = EnvoyConstraints.withEnvoyApi();

    private final PolicyPlugins plugins;
    private final Optional<String> faultLabel;
    private final String localZone;

    /**
     * @param plugins   applied in their descriptors' order (routes first: later plugins edit every route they created)
     * @param localZone the zone of the clients this renderer serves: its endpoints come first
     */
    public Renderer(List<PolicyPlugin> plugins, String localZone) {
        this(PolicyPlugins.of(plugins), localZone, Optional.empty());
    }

    public Renderer(List<PolicyPlugin> plugins, String localZone, Optional<String> faultLabel) {
        this(PolicyPlugins.of(plugins), localZone, faultLabel);
    }

    /**
     * @param faultLabel for failure tests only: a policy carrying this label makes its plugin fail on every dataplane it
     *                   selects, so the containment of a render failure can be shown on real processes
     */
    public Renderer(PolicyPlugins plugins, String localZone, Optional<String> faultLabel) {
        this.localZone = localZone;
        this.faultLabel = faultLabel;
        this.plugins = plugins;
    }

    /** The plugins this renderer applies. */
    public PolicyPlugins plugins() {
        return plugins;
    }

    /** How a plugin is applied in one flavour. */
    @FunctionalInterface
    private interface Apply {
        void to(PolicyPlugin plugin, ProxyConfig cfg, PolicyRules rules);
    }

    /** Picks the view's flavour once: the base configuration, the plugins' method and the packing follow from it. */
    public XdsResources render(DataplaneView view, EndpointIndex index) {
        boolean proxyless = switch (view.flavour()) {
            case ENVOY -> false;
            case PROXYLESS -> true;
        };
        Apply apply = proxyless ? PolicyPlugin::applyProxyless : PolicyPlugin::applyEnvoy;
        ProxyConfig cfg = base(view, proxyless);
        for (PolicyPlugin plugin : plugins.inOrder()) {
            PolicyRules rules = view.policies().get(plugin.type());
            if (rules == null) continue;
            try {
                injectFault(rules);
                apply.to(plugin, cfg, rules);
            } catch (RuntimeException e) {
                throw new PolicyRenderException(plugin.type(), culprits(view, proxyless, apply, plugin, rules), e);
            }
        }
        EnvoyResourceSet packed = pack(cfg, proxyless);
        List<PatchFailure> patchFailures = new ArrayList<>();
        if (!proxyless) packed = patch(view, packed, patchFailures);
        return finish(packed, cfg, index, patchFailures);
    }

    /**
     * The policies to blame when a plugin failed with {@code rules}: of several policies of one type, those that fail on
     * their own (each applied alone to a fresh base config); all of them when none fails alone, i.e. only their
     * combination does. Runs on failures only.
     */
    private List<String> culprits(DataplaneView view, boolean proxyless, Apply apply, PolicyPlugin plugin, PolicyRules rules) {
        List<String> all = rules.matches().stream().map(Renderer::blameName).toList();
        if (rules.matches().size() < 2) return all;
        MatchInput input = MatchInput.of(view.dataplane());
        List<String> alone = new ArrayList<>();
        for (PolicyMatch m : rules.matches()) {
            List<Resource> one = List.of(m.policy());
            PolicyRules single = new PolicyRules(List.of(m), PolicyMatcher.toRules(input, one), PolicyMatcher.fromRules(input, one));
            try {
                injectFault(single);
                apply.to(plugin, base(view, proxyless), single);
            } catch (RuntimeException e) {
                alone.add(blameName(m));
            }
        }
        return alone.isEmpty() ? all : alone;
    }

    private static String blameName(PolicyMatch m) {
        return m.policy().meta().mesh() + "/" + m.name();
    }

    private void injectFault(PolicyRules rules) {
        if (faultLabel.isEmpty()) return;
        for (var m : rules.matches()) {
            if (m.policy().meta().labels().containsKey(faultLabel.get())) {
                throw new IllegalStateException("fault injected for " + m.name() + " (label " + faultLabel.get() + ")");
            }
        }
    }

    /**
     * The one place where edits of the packed config ({@link PolicyPlugin#envoyPatch}, MeshProxyPatch) are contained:
     * each selecting policy's edit is tried on a copy of what is kept so far, least specific policy first. An edit a
     * step of which throws, or that leaves a resource Envoy would refuse ({@link #refused}), is left out as a whole and
     * recorded; the dataplane gets the rest (the base config and every other policy's edit), and {@code NodeConfigs}
     * reports it.
     */
    private EnvoyResourceSet patch(DataplaneView view, EnvoyResourceSet packed, List<PatchFailure> failures) {
        EnvoyResourceSet kept = packed;
        for (PolicyPlugin plugin : plugins.inOrder()) {
            PolicyRules rules = view.policies().get(plugin.type());
            if (rules == null) continue;
            for (PolicyMatch m : rules.matches()) {
                Optional<EnvoyPatch> edit = plugin.envoyPatch(m);
                if (edit.isEmpty()) continue;
                EnvoyResourceSet trial = kept.copy();
                Optional<PatchFailure> failure = tryEdit(edit.get(), kept, trial)
                        .map(f -> new PatchFailure(plugin.type().name(), blameName(m), f.field(), f.problem()));
                if (failure.isPresent()) {
                    failures.add(failure.get());
                } else {
                    kept = trial;
                }
            }
        }
        return kept;
    }

    private record Problem(String field, String problem) {
    }

    /** Applies {@code edit} to {@code trial} (a copy of {@code kept}); what went wrong, if anything. */
    private static Optional<Problem> tryEdit(EnvoyPatch edit, EnvoyResourceSet kept, EnvoyResourceSet trial) {
        Map<String, String> lastChangedBy = new HashMap<>(); // resource -> field of the step that last changed it
        for (EnvoyPatch.Step step : edit.steps()) {
            Map<Message, String> before = identities(trial);
            try {
                step.edit().apply(trial);
            } catch (Exception e) {
                return Optional.of(new Problem(step.field(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            identities(trial).forEach((resource, key) -> {
                if (!before.containsKey(resource)) lastChangedBy.put(key, step.field());
            });
        }
        List<Refusal> refused = refused(kept, trial);
        if (refused.isEmpty()) return Optional.empty();
        int shown = Math.min(refused.size(), 5);
        String problem = "Envoy would refuse the result: " + String.join("; ", refused.subList(0, shown).stream().map(Refusal::text).toList())
                + (refused.size() > shown ? " (and " + (refused.size() - shown) + " more)" : "");
        String blamed = edit.steps().size() == 1 ? edit.steps().getFirst().field() : "spec"; // when no step changed that resource
        return Optional.of(new Problem(lastChangedBy.getOrDefault(refused.getFirst().resource(), blamed), problem));
    }

    /** Every resource of the set (by identity: messages are immutable, an edit replaces what it changes) and its key. */
    private static Map<Message, String> identities(EnvoyResourceSet set) {
        Map<Message, String> out = new IdentityHashMap<>();
        set.listeners().forEach(i -> out.put(i.resource(), "listener \"" + name(i.resource()) + "\""));
        set.routes().forEach(i -> out.put(i.resource(), "route configuration \"" + name(i.resource()) + "\""));
        set.clusters().forEach(i -> out.put(i.resource(), "cluster \"" + name(i.resource()) + "\""));
        return out;
    }

    /** Something Envoy would refuse, in one resource (e.g. {@code cluster "backend"}). */
    record Refusal(String resource, String problem) {
        String text() {
            return resource + ": " + problem;
        }
    }

    /**
     * What Envoy would refuse of what an edit left: a resource it changed or added that breaks Envoy's constraints on
     * its proto (what Envoy checks first, {@link EnvoyConstraints}), two resources of one name, two listeners on one
     * address. Resources the edit did not touch are not blamed on it.
     */
    static List<Refusal> refused(EnvoyResourceSet before, EnvoyResourceSet after) {
        Set<Message> untouched = identities(before).keySet();
        List<Refusal> out = new ArrayList<>();
        check("listener", after.listeners(), untouched, out);
        check("route configuration", after.routes(), untouched, out);
        check("cluster", after.clusters(), untouched, out);
        Set<String> addresses = new HashSet<>();
        for (EnvoyResourceSet.Item<Listener> l : after.listeners()) {
            if (!l.resource().getAddress().hasSocketAddress()) continue;
            var a = l.resource().getAddress().getSocketAddress();
            if (!addresses.add(a.getProtocol() + " " + a.getAddress() + ":" + a.getPortValue())) {
                out.add(new Refusal("listener \"" + l.resource().getName() + "\"", "another listener has the address " + a.getAddress() + ":" + a.getPortValue()));
            }
        }
        return out;
    }

    private static <M extends Message> void check(String kind, List<EnvoyResourceSet.Item<M>> items, Set<Message> untouched, List<Refusal> out) {
        Set<String> names = new HashSet<>();
        for (EnvoyResourceSet.Item<M> item : items) {
            String key = kind + " \"" + name(item.resource()) + "\"";
            if (!names.add(key)) out.add(new Refusal(key, "another " + kind + " has this name"));
            if (untouched.contains(item.resource())) continue;
            for (String v : CONSTRAINTS.violations(item.resource())) out.add(new Refusal(key, v));
        }
    }

    private static String name(Message resource) {
        return switch (resource) {
            case Listener l -> l.getName();
            case RouteConfiguration r -> r.getName();
            case Cluster c -> c.getName();
            default -> "";
        };
    }

    // ---- base configuration

    ProxyConfig base(DataplaneView view, boolean proxyless) {
        ProxyConfig cfg = new ProxyConfig(view, proxyless ? ref -> proxylessCluster(ref, view) : ref -> envoyCluster(ref, view), localZone);
        for (OutboundView o : view.outbounds()) {
            OutboundConfig out = proxyless
                    ? new OutboundConfig(o, o.service(), o.service())
                    : new OutboundConfig(o, "outbound:" + o.address() + ":" + o.port(), "outbound:" + o.service());
            ClusterRef primary = ClusterRef.of(o.service());
            cfg.cluster(primary);
            out.routes.add(Route.newBuilder().setName("default")
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setRoute(RouteAction.newBuilder().setCluster(primary.name())));
            out.hcm.setStatPrefix(o.service())
                    .setRds(Rds.newBuilder().setRouteConfigName(out.routeName()).setConfigSource(ads()));
            out.tcp.setStatPrefix(o.service()).setCluster(primary.name());
            cfg.add(out);
        }
        if (proxyless) {
            // an XdsServerBuilder server's listener: gRPC over HTTP/2, MeshTrafficPermission and mTLS apply to it
            for (Inbound in : view.inbounds()) {
                InboundConfig ic = new InboundConfig(in, true);
                ic.hcm.setStatPrefix("inbound_" + in.portOrZero());
                cfg.add(ic);
            }
        } else {
            for (Inbound in : view.inbounds()) {
                String protocol = in.tagsOrEmpty().getOrDefault(Tags.PROTOCOL, "tcp");
                InboundConfig ic = new InboundConfig(in, !protocol.equals("tcp"));
                String local = "localhost:" + in.effectiveServicePort();
                String appAddress = in.serviceAddress() == null || in.serviceAddress().isEmpty() ? "127.0.0.1" : in.serviceAddress();
                LbEndpoint.Builder app = LbEndpoint.newBuilder();
                app.getEndpointBuilder().setAddress(EndpointRenderer.address(appAddress, in.effectiveServicePort()));
                ic.localCluster.setName(local).setType(Cluster.DiscoveryType.STATIC).setConnectTimeout(DEFAULT_CONNECT_TIMEOUT)
                        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(local)
                                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(app)));
                if (protocol.equals("http2") || protocol.equals("grpc")) {
                    ic.localCluster.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(http2Options()));
                }
                ic.hcm.setStatPrefix("inbound_" + in.portOrZero())
                        .setRouteConfig(RouteConfiguration.newBuilder().setName("inbound:" + in.serviceName())
                                .addVirtualHosts(VirtualHost.newBuilder().setName(in.serviceName()).addDomains("*")
                                        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                                .setRoute(RouteAction.newBuilder().setCluster(local)))));
                cfg.add(ic);
            }
        }
        return cfg;
    }

    static Cluster.Builder proxylessCluster(ClusterRef ref) {
        return Cluster.newBuilder().setName(ref.name()).setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName(ref.name()))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
    }

    /** Mesh mTLS: one TLS context for every endpoint, local or an ingress (grpc-java has no transport socket matches). */
    static Cluster.Builder proxylessCluster(ClusterRef ref, DataplaneView view) {
        Cluster.Builder c = proxylessCluster(ref);
        if (view.mtls() != null) c.setTransportSocket(tls(ProxylessTls.upstream(view.id().mesh(), ref.service())));
        return c;
    }

    static Cluster.Builder envoyCluster(ClusterRef ref, DataplaneView view) {
        Cluster.Builder c = proxylessCluster(ref).setConnectTimeout(DEFAULT_CONNECT_TIMEOUT);
        String protocol = view.outbounds().stream().filter(o -> o.service().equals(ref.service()))
                .map(OutboundView::protocol).findFirst().orElse("tcp");
        if (protocol.equals("http2") || protocol.equals("grpc")) {
            c.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(http2Options()));
        }
        String mesh = view.id().mesh();
        String crossZoneSni = CrossZoneNames.sni(mesh, ref.service());
        UpstreamTlsContext.Builder crossZone = UpstreamTlsContext.newBuilder().setSni(crossZoneSni);
        if (view.mtls() != null) {
            // Mesh mTLS: the node's certificate, and the destination must prove it is the service (its SPIFFE ID).
            StringMatcher destination = StringMatcher.newBuilder().setExact(WorkloadIdentity.spiffeId(mesh, ref.service())).build();
            c.setTransportSocket(tls(UpstreamTlsContext.newBuilder().setSni(Sds.localSni(mesh, ref.service()))
                    .setCommonTlsContext(Sds.common(mesh, destination, null)).build()));
            crossZone.setCommonTlsContext(Sds.common(mesh, destination, null));
        }
        // Endpoints in other zones are their ingresses: TLS with the service's cross-zone SNI, which the ingress passes
        // through by name (end to end to the destination's inbound). One cluster for local and remote endpoints keeps
        // EDS priorities (failover) in one place.
        c.addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder().setName("cross-zone")
                .setMatch(Struct.newBuilder().putFields(EndpointRenderer.CROSS_ZONE_MATCH_KEY, Value.newBuilder().setBoolValue(true).build()))
                .setTransportSocket(tls(crossZone.build())));
        return c;
    }

    private static TransportSocket tls(Message context) {
        return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(context)).build();
    }

    /** {@code ads: {}} with V3 resources: what grpc-java requires for RDS and EDS config sources. */
    private static ConfigSource ads() {
        return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).setResourceApiVersion(ApiVersion.V3).build();
    }

    /** The router filter with its typed config (grpc-java rejects a router without one). */
    private static HttpFilter router() {
        return HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
    }

    static HttpProtocolOptions http2Options() {
        return HttpProtocolOptions.newBuilder().setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance())).build();
    }

    // ---- packing

    /** The resources of the config, with their origins (listeners also with their tags); before any {@link EnvoyPatch}. */
    EnvoyResourceSet pack(ProxyConfig cfg, boolean proxyless) {
        List<EnvoyResourceSet.Item<Listener>> listeners = new ArrayList<>();
        List<EnvoyResourceSet.Item<RouteConfiguration>> routes = new ArrayList<>();
        for (OutboundConfig out : cfg.outbounds()) {
            Map<String, String> tags = Map.of(Tags.SERVICE, out.service());
            Listener listener;
            if (proxyless || out.httpRouted()) {
                routes.add(new EnvoyResourceSet.Item<>(routeConfiguration(out), EnvoyResourceSet.OUTBOUND, Map.of()));
                HttpConnectionManager hcm = out.hcm.clone().addHttpFilters(router()).build();
                if (proxyless) {
                    listener = Listener.newBuilder().setName(out.listenerName())
                            .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
                } else {
                    listener = outboundListener(out, Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(hcm)).build());
                }
            } else {
                listener = outboundListener(out, Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
                        .setTypedConfig(Any.pack(out.tcp.build())).build());
            }
            listeners.add(new EnvoyResourceSet.Item<>(listener, EnvoyResourceSet.OUTBOUND, tags));
        }
        List<EnvoyResourceSet.Item<Cluster>> clusters = new ArrayList<>();
        cfg.clusters().values().forEach(c -> clusters.add(new EnvoyResourceSet.Item<>(c.build(), EnvoyResourceSet.OUTBOUND, Map.of())));
        for (InboundConfig in : cfg.inbounds()) {
            Map<String, String> tags = in.inbound().tagsOrEmpty();
            if (proxyless) {
                listeners.add(new EnvoyResourceSet.Item<>(proxylessServerListener(cfg.view(), in), EnvoyResourceSet.INBOUND, tags));
                continue;
            }
            listeners.add(new EnvoyResourceSet.Item<>(inboundListener(cfg.view(), in), EnvoyResourceSet.INBOUND, tags));
            clusters.add(new EnvoyResourceSet.Item<>(in.localCluster.build(), EnvoyResourceSet.INBOUND, Map.of()));
        }
        cfg.systemClusters().forEach(c -> clusters.add(new EnvoyResourceSet.Item<>(c.cluster(), c.origin(), Map.of())));
        return new EnvoyResourceSet(dedupe(listeners, i -> i.resource().getName()), routes, dedupe(clusters, i -> i.resource().getName()));
    }


    /** Sorted by name and versioned, with the endpoints the node's clusters need. */
    XdsResources finish(EnvoyResourceSet set, ProxyConfig cfg, EndpointIndex index, List<PatchFailure> patchFailures) {
        List<Listener> listeners = sorted(set.listeners().stream().map(EnvoyResourceSet.Item::resource).toList(), Listener::getName);
        List<RouteConfiguration> routes = sorted(set.routes().stream().map(EnvoyResourceSet.Item::resource).toList(), RouteConfiguration::getName);
        List<Cluster> sortedClusters = sorted(set.clusters().stream().map(EnvoyResourceSet.Item::resource).toList(), Cluster::getName);
        Set<EdsRef> eds = new LinkedHashSet<>();
        for (ClusterRef ref : cfg.clusters().keySet()) eds.add(new EdsRef(ref, cfg.view().flavour(), cfg.locality(ref.service())));
        List<ClusterLoadAssignment> cla = eds.stream().map(r -> EndpointRenderer.render(r, index))
                .sorted(Comparator.comparing(ClusterLoadAssignment::getClusterName)).toList();
        return new XdsResources(listeners, XdsResources.version(listeners), routes, XdsResources.version(routes),
                sortedClusters, XdsResources.version(sortedClusters), eds, cla, XdsResources.version(cla), patchFailures);
    }

    private static RouteConfiguration routeConfiguration(OutboundConfig out) {
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(out.service()).addDomains("*");
        out.routes.forEach(r -> vh.addRoutes(r.build()));
        return RouteConfiguration.newBuilder().setName(out.routeName()).addVirtualHosts(vh).build();
    }

    private static Listener outboundListener(OutboundConfig out, Filter filter) {
        return Listener.newBuilder().setName(out.listenerName())
                .setAddress(EndpointRenderer.address(out.view().address(), out.view().port()))
                .setTrafficDirection(TrafficDirection.OUTBOUND)
                .addFilterChains(FilterChain.newBuilder().addFilters(filter)).build();
    }

    private static Listener inboundListener(DataplaneView view, InboundConfig in) {
        Inbound inbound = in.inbound();
        String address = inbound.address() == null || inbound.address().isEmpty() ? view.address() : inbound.address();
        List<Filter> filters = new ArrayList<>(in.networkFilters());
        if (in.http()) {
            HttpConnectionManager.Builder hcm = in.hcm.clone();
            in.rbac().ifPresent(r -> hcm.addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.rbac")
                    .setTypedConfig(Any.pack(RBAC.newBuilder().setRules(r).build()))));
            hcm.addAllHttpFilters(in.httpFilters());
            hcm.addHttpFilters(router());
            filters.add(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm.build())).build());
        } else {
            in.rbac().ifPresent(r -> filters.add(Filter.newBuilder().setName("envoy.filters.network.rbac")
                    .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.newBuilder()
                            .setStatPrefix("inbound_" + inbound.portOrZero() + "_").setRules(r).build())).build()));
            filters.add(Filter.newBuilder().setName("envoy.filters.network.tcp_proxy").setTypedConfig(Any.pack(in.tcp.clone()
                    .setStatPrefix("inbound_" + inbound.portOrZero()).setCluster(in.localCluster.getName()).build())).build());
        }
        Listener.Builder listener = Listener.newBuilder().setName("inbound:" + address + ":" + inbound.portOrZero())
                .setAddress(EndpointRenderer.address(address, inbound.portOrZero()))
                .setTrafficDirection(TrafficDirection.INBOUND);
        if (view.mtls() == null) return listener.addFilterChains(FilterChain.newBuilder().addAllFilters(filters)).build();
        // Mesh mTLS: clients present a certificate of the mesh; RBAC then sees their identity. PERMISSIVE also takes
        // plaintext (told apart by the TLS inspector); the same RBAC applies, so identity-based rules still refuse it.
        TransportSocket tls = tls(DownstreamTlsContext.newBuilder().setRequireClientCertificate(BoolValue.of(true))
                .setCommonTlsContext(Sds.common(view.id().mesh(), StringMatcher.newBuilder().setPrefix("spiffe://" + view.id().mesh() + "/").build(),
                        in.tlsParams().orElse(null))).build());
        DataplaneView.MtlsMode mode = in.mtlsMode().orElse(view.mtls());
        if (mode == DataplaneView.MtlsMode.STRICT) {
            return listener.addFilterChains(FilterChain.newBuilder().addAllFilters(filters).setTransportSocket(tls)).build();
        }
        return listener.addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
                        .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
                .addFilterChains(FilterChain.newBuilder().setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer"))
                        .addAllFilters(filters))
                .addFilterChains(FilterChain.newBuilder().setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls"))
                        .addAllFilters(filters).setTransportSocket(tls))
                .build();
    }

    /**
     * The listener a proxyless gRPC server ({@code XdsServerBuilder.forPort}) asks for: gRPC serves the calls itself, so
     * its one route is {@code non_forwarding_action}; RBAC (MeshTrafficPermission) runs before it. With mesh mTLS the
     * chain requires TLS (see {@link ProxylessTls#downstream}).
     */
    private static Listener proxylessServerListener(DataplaneView view, InboundConfig in) {
        int port = in.inbound().portOrZero();
        HttpConnectionManager.Builder hcm = in.hcm.clone()
                .setRouteConfig(RouteConfiguration.newBuilder().setName("inbound:" + in.inbound().serviceName())
                        .addVirtualHosts(VirtualHost.newBuilder().setName(in.inbound().serviceName()).addDomains("*")
                                .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                        .setNonForwardingAction(NonForwardingAction.getDefaultInstance()))));
        in.rbac().ifPresent(r -> hcm.addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.rbac")
                .setTypedConfig(Any.pack(RBAC.newBuilder().setRules(r).build()))));
        hcm.addHttpFilters(router());
        FilterChain.Builder chain = FilterChain.newBuilder().setName("inbound:" + port)
                .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm.build())));
        if (view.mtls() != null) {
            DataplaneView.MtlsMode mode = in.mtlsMode().orElse(view.mtls());
            chain.setTransportSocket(tls(ProxylessTls.downstream(mode == DataplaneView.MtlsMode.STRICT)));
        }
        return Listener.newBuilder().setName(ProxylessTls.serverListenerName(port))
                .setAddress(EndpointRenderer.address("0.0.0.0", port))
                .setTrafficDirection(TrafficDirection.INBOUND)
                .addFilterChains(chain).build();
    }

    private static <T> List<T> sorted(List<T> items, Function<T, String> name) {
        return items.stream().sorted(Comparator.comparing(name)).toList();
    }

    /** Two outbounds can name one service (different ports); its cluster appears once. */
    private static <T> List<T> dedupe(List<T> items, Function<T, String> name) {
        Map<String, T> byName = new LinkedHashMap<>();
        items.forEach(i -> byName.putIfAbsent(name.apply(i), i));
        return new ArrayList<>(byName.values());
    }
}
