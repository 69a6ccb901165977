package dev.ursa.zone.xds.fuzz;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.zone.ingress.IngressClusters;
import dev.ursa.zone.ingress.MeshInventory;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.NodeId;
import dev.ursa.zone.xds.plugins.Plugins;
import dev.ursa.zone.xds.XdsJson;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import dev.ursa.zone.xds.render.Renderer;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.CrossZoneEndpoints;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.EndpointSource;
import dev.ursa.zone.xds.view.IngressAddressResolver;
import dev.ursa.zone.xds.view.LocalEndpoints;
import dev.ursa.zone.xds.view.MeshInputs;
import dev.ursa.zone.xds.view.ViewBuilder;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A small valid zone ("zone-1") to render accepted resources in: a Mesh; three Dataplanes whose inbounds are the
 * services {@code backend} (http), {@code web} (grpc) and {@code db} (tcp), each calling the others and {@code remote};
 * one valid policy of every type (so a new policy is merged with an existing one); this zone's own ZoneIngress and
 * two of other zones offering services, one advertising a host name.
 *
 * <p>A render goes the way {@link dev.ursa.zone.xds.XdsEngine#inspect} renders a dataplane that is not connected: the
 * mesh's {@link MeshInputs} and {@link EndpointIndex} (local and cross-zone endpoint sources, as the engine builds
 * them), then {@link ViewBuilder#build} and {@link Renderer#render} per dataplane and flavour. On top, the view of an
 * unregistered client and this zone's ingress routing table ({@link IngressClusters}). Host names resolve through a
 * fake resolver (no DNS): names containing "unresolvable" do not resolve, others get a documentation address.
 */
public final class RenderFixture implements AutoCloseable {
    public static final String ZONE = "zone-1";

    private static final EnvoyConstraints ENVOY = new EnvoyConstraints(XdsJson.TYPES);
    private final Renderer renderer = new Renderer(Plugins.all(), ZONE);
    private final IngressAddressResolver resolver = new IngressAddressResolver(RenderFixture::fakeDns, Duration.ZERO, Duration.ofSeconds(5));
    private final List<EndpointSource> sources = List.of(new LocalEndpoints(ZONE), new CrossZoneEndpoints(ZONE, resolver));
    private final Map<String, Base> bases = new HashMap<>();
    private final List<Resource> zoneIngresses;

    /** The fixed resources of one mesh (the fixture is rebuilt under the mesh name a generated resource names). */
    record Base(Resource mesh, Map<String, Resource> dataplanes, Map<ResourceType, List<Resource>> policies) {
    }

    /** Rendering failed: {@code where} says for which dataplane and flavour (or which step). */
    public static final class RenderCrash extends RuntimeException {
        public RenderCrash(String where, Throwable cause) {
            super(where + ": " + cause, cause);
        }
    }

    public RenderFixture() {
        zoneIngresses = List.of(
                valid("""
                        type: ZoneIngress
                        name: zone-1.ingress
                        zone: zone-1
                        networking: {address: 10.0.0.100, port: 10001, advertisedAddress: 192.0.2.1, advertisedPort: 10001}
                        availableServices:
                        - {tags: {kuma.io/service: backend, kuma.io/protocol: http, version: v1}, instances: 1, mesh: default}
                        """),
                valid("""
                        type: ZoneIngress
                        name: zone-2.ingress
                        zone: zone-2
                        networking: {address: 10.1.0.100, port: 10001, advertisedAddress: 192.0.2.20, advertisedPort: 10001}
                        availableServices:
                        - {tags: {kuma.io/service: backend, kuma.io/protocol: http, version: v2}, instances: 2, mesh: default}
                        - {tags: {kuma.io/service: remote, kuma.io/protocol: http}, instances: 3, mesh: default}
                        - {tags: {kuma.io/service: web, kuma.io/protocol: grpc}, instances: 1, mesh: default}
                        - {tags: {kuma.io/service: db, kuma.io/protocol: tcp}, instances: 1, mesh: default}
                        """),
                valid("""
                        type: ZoneIngress
                        name: zone-3.ingress
                        zone: zone-3
                        networking: {address: 10.2.0.100, port: 10001, advertisedAddress: ingress.zone-3.example, advertisedPort: 443}
                        availableServices:
                        - {tags: {kuma.io/service: remote, kuma.io/protocol: http}, instances: 5, mesh: default}
                        """));
    }

    /**
     * Renders every dataplane of the mesh {@code accepted} belongs to, with {@code accepted} added (replacing a fixed
     * resource of the same name), in every flavour. Returns the number of configurations rendered; throws
     * {@link RenderCrash} naming the step that failed.
     */
    public int renderWith(Resource accepted) {
        return renderWith(accepted, null);
    }

    /**
     * As {@link #renderWith(Resource)}, with a second accepted resource of the same type beside it (another policy to
     * merge with, another dataplane, another ingress), or null. It is left out where it does not fit (another mesh).
     */
    public int renderWith(Resource accepted, Resource companion) {
        ResourceType type = accepted.type();
        String meshName = type == ResourceTypes.MESH ? accepted.meta().name() : type.meshScoped() ? accepted.meta().mesh() : "default";
        Base base = bases.computeIfAbsent(meshName, RenderFixture::base);
        Resource mesh = type == ResourceTypes.MESH ? accepted : base.mesh();
        List<Resource> added = new ArrayList<>();
        added.add(accepted);
        if (companion != null && companion.type() == type && (!type.meshScoped() || companion.meta().mesh().equals(meshName))) {
            added.add(companion);
        }
        Map<String, Resource> dataplanes = new TreeMap<>(base.dataplanes());
        Map<ResourceType, List<Resource>> policies = new LinkedHashMap<>();
        for (ResourceType t : ViewBuilder.POLICY_TYPES) {
            List<Resource> list = new ArrayList<>(base.policies().getOrDefault(t, List.of()));
            if (!list.isEmpty()) policies.put(t, list);
        }
        List<Resource> ingresses = new ArrayList<>(zoneIngresses);
        for (Resource r : added) {
            if (type == ResourceTypes.DATAPLANE) {
                dataplanes.put(r.meta().name(), r);
            } else if (ViewBuilder.POLICY_TYPES.contains(type)) {
                List<Resource> list = new ArrayList<>(policies.getOrDefault(type, List.of()));
                list.removeIf(p -> p.meta().name().equals(r.meta().name()));
                list.add(r);
                policies.put(type, list);
            } else if (type == ResourceTypes.ZONE_INGRESS) {
                ingresses.removeIf(i -> i.meta().name().equals(r.meta().name()));
                ingresses.add(r);
            }
        }

        MeshInputs inputs = new MeshInputs(meshName, Optional.of(mesh), dataplanes, policies, ingresses);
        EndpointIndex index = step("endpoint index of mesh " + meshName, () -> EndpointIndex.build(inputs, sources));
        int rendered = 0;
        for (Resource dp : dataplanes.values()) {
            for (Flavour flavour : Flavour.values()) {
                render(new NodeId(meshName, dp.meta().name()), flavour, dp, true, inputs, index);
                rendered++;
            }
        }
        NodeId client = new NodeId(meshName, "unregistered-client");
        for (Flavour flavour : Flavour.values()) {
            render(client, flavour, ViewBuilder.clientOnly(client), false, inputs, index);
            rendered++;
        }
        step("ingress routing table of " + ZONE, () -> IngressClusters.render(ZONE, List.of(MeshInventory.of(ZONE, meshName, dataplanes.values()))));
        return rendered + 1;
    }

    private XdsResources render(NodeId id, Flavour flavour, Resource dp, boolean registered, MeshInputs inputs, EndpointIndex index) {
        return step("render of " + id + " (" + flavour + ")", () -> {
            DataplaneView view = ViewBuilder.build(id, flavour, dp, registered, inputs, index);
            XdsResources out = renderer.render(view, index);
            List<String> broken = new ArrayList<>();
            Stream.of(out.listeners(), out.routes(), out.clusters(), out.endpoints()).flatMap(List::stream)
                    .forEach(m -> broken.addAll(ENVOY.violations(m)));
            if (!broken.isEmpty()) throw new IllegalStateException("rendered config breaks Envoy's proto constraints: " + broken);
            return out;
        });
    }

    /** The fixed resources of mesh "default", to load a real engine with ({@code ipOnly}: leave out host-name ingresses). */
    public List<Resource> fixedResources(boolean ipOnly) {
        Base base = bases.computeIfAbsent("default", RenderFixture::base);
        List<Resource> out = new ArrayList<>();
        out.add(base.mesh());
        out.addAll(base.dataplanes().values());
        base.policies().values().forEach(out::addAll);
        zoneIngresses.stream().filter(i -> !ipOnly || !i.spec(dev.ursa.mesh.resources.ZoneIngressSpec.class).reachableAddress().endsWith(".example"))
                .forEach(out::add);
        return out;
    }

    /** One dataplane of the fixed mesh "default" rendered the way {@link #renderWith} renders it. */
    public XdsResources renderFixed(String dataplane, Flavour flavour, boolean ipOnly) {
        Base base = bases.computeIfAbsent("default", RenderFixture::base);
        List<Resource> ingresses = fixedResources(ipOnly).stream().filter(r -> r.type() == ResourceTypes.ZONE_INGRESS).toList();
        MeshInputs inputs = new MeshInputs("default", Optional.of(base.mesh()), base.dataplanes(), base.policies(), ingresses);
        EndpointIndex index = EndpointIndex.build(inputs, sources);
        return render(new NodeId("default", dataplane), flavour, base.dataplanes().get(dataplane), true, inputs, index);
    }

    private static <T> T step(String where, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException | StackOverflowError e) {
            throw new RenderCrash(where, e);
        }
    }

    private static Base base(String mesh) {
        Map<String, Resource> dataplanes = new TreeMap<>();
        for (Resource dp : List.of(
                valid("""
                        type: Dataplane
                        mesh: "%s"
                        name: dp-backend
                        labels: {app: backend, k8s.kuma.io/namespace: kuma-demo}
                        networking:
                          address: 10.0.0.1
                          inbound:
                          - {port: 8080, servicePort: 18080, name: main, tags: {kuma.io/service: backend, kuma.io/protocol: http, version: v1, k8s.io/node: node-a}}
                          outbound:
                          - {port: 10001, tags: {kuma.io/service: web}}
                          - {port: 10002, tags: {kuma.io/service: db}}
                          - {port: 10003, tags: {kuma.io/service: remote}}
                          - {port: 10004, tags: {kuma.io/service: backend}}
                        """.formatted(mesh)),
                valid("""
                        type: Dataplane
                        mesh: "%s"
                        name: dp-web
                        labels: {app: web}
                        networking:
                          address: 10.0.0.2
                          inbound:
                          - {port: 9090, tags: {kuma.io/service: web, kuma.io/protocol: grpc, version: v2, k8s.io/node: node-b}}
                          outbound:
                          - {port: 10001, tags: {kuma.io/service: backend}}
                          - {port: 10002, tags: {kuma.io/service: db}}
                          - {port: 10003, address: 127.0.0.3, tags: {kuma.io/service: remote}}
                        """.formatted(mesh)),
                valid("""
                        type: Dataplane
                        mesh: "%s"
                        name: dp-db
                        labels: {app: db}
                        networking:
                          address: 10.0.0.3
                          inbound:
                          - {port: 5432, tags: {kuma.io/service: db, kuma.io/protocol: tcp, version: v1}}
                          outbound:
                          - {port: 10001, tags: {kuma.io/service: backend}}
                        """.formatted(mesh)))) {
            dataplanes.put(dp.meta().name(), dp);
        }
        Map<ResourceType, List<Resource>> policies = new LinkedHashMap<>();
        for (String spec : List.of(
                "MeshTimeout|{targetRef: {kind: Mesh}, to: [{targetRef: {kind: Mesh}, default: {connectionTimeout: 5s, http: {requestTimeout: 15s}}}], "
                        + "from: [{targetRef: {kind: Mesh}, default: {idleTimeout: 1h}}]}",
                "MeshRetry|{targetRef: {kind: Mesh}, to: [{targetRef: {kind: Mesh}, default: {http: {numRetries: 2}, grpc: {numRetries: 1}, tcp: {maxConnectAttempt: 3}}}]}",
                "MeshLoadBalancingStrategy|{to: [{targetRef: {kind: MeshService, name: backend}, default: {loadBalancer: {type: RoundRobin}}}]}",
                "MeshCircuitBreaker|{targetRef: {kind: Mesh}, to: [{targetRef: {kind: Mesh}, default: {connectionLimits: {maxConnections: 1024}}}]}",
                "MeshHealthCheck|{to: [{targetRef: {kind: MeshService, name: db}, default: {interval: 10s, tcp: {}}}]}",
                "MeshTrafficPermission|{targetRef: {kind: Mesh}, from: [{targetRef: {kind: Mesh}, default: {action: Allow}}]}",
                "MeshAccessLog|{targetRef: {kind: Mesh}, to: [{targetRef: {kind: Mesh}, default: {backends: [{type: File, file: {path: /dev/stdout}}, "
                        + "{type: OpenTelemetry, openTelemetry: {endpoint: otel:4317}}]}}]}",
                "MeshTrace|{targetRef: {kind: Mesh}, default: {backends: [{type: Zipkin, zipkin: {url: 'http://zipkin:9411/api/v2/spans'}}], "
                        + "sampling: {overall: 50}, tags: [{name: team, literal: core}]}}",
                "MeshHTTPRoute|{to: [{targetRef: {kind: MeshService, name: backend}, rules: [{matches: [{path: {type: PathPrefix, value: /api}}], "
                        + "default: {backendRefs: [{kind: MeshService, name: backend}]}}]}]}")) {
            String[] typeAndSpec = spec.split("\\|", 2);
            Resource p = valid("type: %s\nmesh: \"%s\"\nname: base\nspec: %s\n".formatted(typeAndSpec[0], mesh, typeAndSpec[1]));
            policies.computeIfAbsent(p.type(), t -> new ArrayList<>()).add(p);
        }
        return new Base(valid("type: Mesh\nname: \"%s\"\n".formatted(mesh)), dataplanes, policies);
    }

    /** Parses and validates a fixed resource; the fixture itself must be valid. */
    static Resource valid(String yaml) {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        ResourceValidation.validate(r);
        return r;
    }

    private static InetAddress fakeDns(String host) throws UnknownHostException {
        if (host.contains("unresolvable")) throw new UnknownHostException(host + ": no such host (fuzz fixture)");
        return InetAddress.getByAddress(host, new byte[]{(byte) 198, 51, 100, (byte) (1 + Math.floorMod(host.hashCode(), 250))});
    }

    @Override
    public void close() {
        resolver.close();
    }
}
