package dev.ursa.zone.xds.view;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionPolicy;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.NodeId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Proxyless views of one mesh generation share one reading of every dataplane's inbounds, not one each. */
class DestinationIndexTest {
    static final ResourceType FAULTS = MeshFaultInjectionPolicy.TYPE.type();

    @Test
    void proxylessViewsOfAGenerationShareTheDestinationInbounds() {
        Resource web = parse(dataplane("web-1", "10.0.0.1", "web"));
        Resource backend1 = parse(dataplane("backend-1", "10.0.0.2", "backend"));
        Resource backend2 = parse(dataplane("backend-2", "10.0.0.3", "backend"));
        Resource faults = parse("""
                type: MeshFaultInjection
                mesh: default
                name: backend-faults
                spec:
                  targetRef: {kind: MeshService, name: backend}
                  from:
                    - targetRef: {kind: Mesh}
                      default:
                        http:
                          - abort: {httpStatus: 503, percentage: 50}
                """);
        MeshInputs inputs = new MeshInputs("default", Optional.empty(),
                Map.of("web-1", web, "backend-1", backend1, "backend-2", backend2), Map.of(FAULTS, List.of(faults)));
        EndpointIndex endpoints = EndpointIndex.build(inputs, List.of(new LocalEndpoints("zone-1")));
        DestinationIndex shared = new DestinationIndex(inputs);

        DataplaneView a = ViewBuilder.build(new NodeId("default", "web-1"), Flavour.PROXYLESS, web, true, inputs, endpoints, shared);
        DataplaneView b = ViewBuilder.build(new NodeId("default", "backend-1"), Flavour.PROXYLESS, backend1, true, inputs, endpoints, shared);

        Map<String, List<DestinationInbound>> destinations = a.rules(FAULTS).destinations();
        assertThat(destinations.get("backend")).extracting(DestinationInbound::dataplane).containsExactlyInAnyOrder("backend-1", "backend-2");
        assertThat(destinations.get("backend")).allSatisfy(d -> assertThat(d.matches()).hasSize(1));
        assertThat(destinations.get("web").get(0).matches()).isEmpty();
        assertThat(b.rules(FAULTS).destinations()).as("computed once for the generation").isSameAs(destinations);
        assertThat(shared.of(FAULTS)).isSameAs(destinations);
        DataplaneView envoy = ViewBuilder.build(new NodeId("default", "web-1"), Flavour.ENVOY, web, true, inputs, endpoints, shared);
        assertThat(envoy.rules(FAULTS).destinations()).as("an Envoy sidecar applies faults on its own inbounds").isEmpty();
    }

    static String dataplane(String name, String address, String service) {
        return """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: %s
                  inbound:
                    - port: 8080
                      tags: {kuma.io/service: %s, kuma.io/protocol: grpc}
                """.formatted(name, address, service);
    }

    static Resource parse(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }
}
