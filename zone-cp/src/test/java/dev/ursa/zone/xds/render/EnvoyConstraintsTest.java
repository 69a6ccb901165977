package dev.ursa.zone.xds.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import dev.ursa.zone.xds.XdsJson;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class EnvoyConstraintsTest {
    private final EnvoyConstraints constraints = new EnvoyConstraints(XdsJson.TYPES);

    private static Cluster.Builder cluster() {
        return Cluster.newBuilder().setName("backend").setType(Cluster.DiscoveryType.EDS)
                .setConnectTimeout(Duration.newBuilder().setSeconds(5));
    }

    @Test
    void aWellFormedClusterPasses() {
        assertThat(constraints.violations(cluster().build())).isEmpty();
    }

    @Test
    void emptyNamesZeroDurationsAndMissingRequiredMessagesAreReportedWithTheirPath() {
        Cluster bad = cluster().setName("").setConnectTimeout(Duration.getDefaultInstance())
                .addHealthChecks(HealthCheck.newBuilder().setInterval(Duration.newBuilder().setSeconds(1))
                        .setHealthyThreshold(UInt32Value.of(1)).setUnhealthyThreshold(UInt32Value.of(1))
                        .setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance()))
                .build();
        assertThat(constraints.violations(bad)).containsExactlyInAnyOrder(
                "Cluster.name: at least 1 character(s) required",
                "Cluster.connect_timeout: must be > 0s, got 0s",
                "Cluster.health_checks[0].timeout: is required");
    }

    @Test
    void aRequiredOneofThatIsUnsetIsReported() {
        Route route = Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).build();
        RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*").addRoutes(route)).build();
        assertThat(constraints.violations(rc)).anySatisfy(v -> assertThat(v).startsWith("RouteConfiguration.virtual_hosts[0].routes[0].action"));
    }

    @Test
    void headerNamesAreCheckedAsEnvoyDoes() {
        Route route = Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")
                        .addHeaders(HeaderMatcher.newBuilder().setName("bad\nname").setPresentMatch(true)))
                .setRoute(RouteAction.newBuilder().setCluster("backend")).build();
        RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*").addRoutes(route)).build();
        assertThat(constraints.violations(rc)).containsExactly(
                "RouteConfiguration.virtual_hosts[0].routes[0].match.headers[0].name: not a valid HTTP header name");
    }

    @Test
    void messagesPackedInAnyAreCheckedToo() {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("")
                .setRouteConfig(RouteConfiguration.newBuilder().setName("r")).build();
        Listener l = Listener.newBuilder().setName("in")
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
                .build();
        assertThat(constraints.violations(l)).containsExactly(
                "Listener.filter_chains[0].filters[0].typed_config<HttpConnectionManager>.stat_prefix: at least 1 character(s) required");
    }

    @Test
    void unsignedBoundsAreComparedUnsigned() {
        // ClusterLoadAssignment.Policy.overprovisioning_factor: UInt32Value gt 0; 2^32-1 must count as large, not -1
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
                .setPolicy(ClusterLoadAssignment.Policy.newBuilder().setOverprovisioningFactor(UInt32Value.of(-1))).build();
        assertThat(constraints.violations(cla)).isEmpty();
        ClusterLoadAssignment zero = cla.toBuilder().setPolicy(ClusterLoadAssignment.Policy.newBuilder()
                .setOverprovisioningFactor(UInt32Value.of(0))).build();
        assertThat(constraints.violations(zero)).containsExactly("ClusterLoadAssignment.policy.overprovisioning_factor: must be > 0, got 0");
    }

    @Test
    void everyGoldenFileMeetsEnvoysConstraints() throws Exception {
        Map<String, Supplier<Message.Builder>> types = Map.of("listeners", Listener::newBuilder, "routes", RouteConfiguration::newBuilder,
                "clusters", Cluster::newBuilder, "endpoints", ClusterLoadAssignment::newBuilder);
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources"))) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".golden.json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            JsonNode golden = Json.JSON.readTree(Files.readString(f));
            for (var e : golden.properties()) {
                for (JsonNode item : e.getValue()) {
                    Message m = XdsJson.parse(item.toString(), types.get(e.getKey()).get()).build();
                    assertThat(constraints.violations(m)).as("%s", f).isEmpty();
                }
            }
        }
    }
}
