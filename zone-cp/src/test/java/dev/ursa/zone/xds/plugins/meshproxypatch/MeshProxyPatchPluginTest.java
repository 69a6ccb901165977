package dev.ursa.zone.xds.plugins.meshproxypatch;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import dev.ursa.zone.xds.render.PatchFailure;
import dev.ursa.zone.xds.render.XdsResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshProxyPatchPluginTest {
    // clusters, Envoy: audit-sink added (STATIC, 10.20.0.1:9000); backend and grpc-api (outbound) with connectTimeout
    // 0.5s (replaced, not added to 5s) and perConnectionBufferLimitBytes 65536; localhost:18080 (inbound) with a
    // circuit breaker threshold maxConnections 64 (its parents created) and connectTimeout 1s; db's cluster removed
    // (its endpoints are still sent: EDS follows the outbounds). Nothing is left out.
    @Test
    void clusters_envoy() throws Exception {
        Golden.check(getClass(), "clusters", Flavour.ENVOY);
        assertThat(Golden.resources(getClass(), "clusters", Flavour.ENVOY).patchFailures()).isEmpty();
    }

    // clusters, proxyless: exactly the base config (a gRPC client reads no Envoy patches); _policies says notApplied.
    @Test
    void clusters_proxyless() throws Exception {
        Golden.check(getClass(), "clusters", Flavour.PROXYLESS);
        XdsResources patched = Golden.resources(getClass(), "clusters", Flavour.PROXYLESS);
        XdsResources base = Golden.baseResources(Flavour.PROXYLESS);
        assertThat(patched.listeners()).isEqualTo(base.listeners());
        assertThat(patched.routes()).isEqualTo(base.routes());
        assertThat(patched.clusters()).isEqualTo(base.clusters());
        assertThat(new MeshProxyPatchPlugin().notApplied(Flavour.PROXYLESS)).hasValueSatisfying(n -> assertThat(n).contains("proxyless gRPC"));
        assertThat(new MeshProxyPatchPlugin().notApplied(Flavour.ENVOY)).isEmpty();
    }

    // listeners, Envoy: a listener "diagnostics" on 127.0.0.1:9902 with a direct_response filter added; the inbound
    // listener (matched by its tags, version "*") with perConnectionBufferLimitBytes 32768 and listenerFiltersTimeout 2s;
    // backend's outbound listener with bindToPort false and its filter chain named backend-chain; db's outbound listener
    // removed (matched by origin and its kuma.io/service tag).
    @Test
    void listeners_envoy() throws Exception {
        Golden.check(getClass(), "listeners", Flavour.ENVOY);
    }

    // network-filters, Envoy: db's outbound chain is local_ratelimit (db_limit, 100 tokens per 1s), connection_limit
    // (50), tcp_proxy with idleTimeout 30s and statPrefix db_patched; the echo filter added after the TCP proxy is
    // removed again, the one to add after a missing filter is added nowhere; the value's name is not merged (only its
    // typed config is, as in Kuma). The HTTP listeners are unchanged.
    @Test
    void networkFilters_envoy() throws Exception {
        Golden.check(getClass(), "network-filters", Flavour.ENVOY);
    }

    // http-filters, Envoy: the inbound HCM's filters are cors, lua (the response header script), router with
    // suppressEnvoyHeaders true and dynamicStats false; backend's and grpc-api's outbound HCMs keep only the router,
    // with suppressEnvoyHeaders true (the CORS filter added to them is removed again).
    @Test
    void httpFilters_envoy() throws Exception {
        Golden.check(getClass(), "http-filters", Flavour.ENVOY);
    }

    // virtual-hosts, Envoy: outbound:backend's virtual host (RDS) with a retry policy (5xx, 3 retries); the inbound
    // listener's embedded route configuration with web's virtual host carrying request header x-patched: yes and a
    // second virtual host "health" (health.local, direct response 200); outbound:grpc-api with no virtual host left.
    @Test
    void virtualHosts_envoy() throws Exception {
        Golden.check(getClass(), "virtual-hosts", Flavour.ENVOY);
    }

    // json-patches, Envoy: backend's cluster has two health checks: the one added at index 0 (timeout 2s, interval 20s,
    // initialJitter 5s moved there from the copied connectTimeout) and the one appended with "-" (interval replaced
    // through index -1 by 15s, its noTrafficInterval removed through -1); removing a missing path did nothing; the
    // added commonLbConfig.healthyPanicThreshold is 25 (parents created).
    @Test
    void jsonPatches_envoy() throws Exception {
        Golden.check(getClass(), "json-patches", Flavour.ENVOY);
    }

    // contained, Envoy: the base config plus mesh-wide-ok's audit-sink cluster only. bad-pointer is left out as a whole
    // (its first modification worked: backend's perConnectionBufferLimitBytes stays unset) because its JSON patch does
    // not apply; negative-timeout is left out (its inbound listener buffer limit too) because Envoy would refuse the
    // negative connect timeout; each failure names its policy and the modification that failed.
    @Test
    void contained_envoy() throws Exception {
        Golden.check(getClass(), "contained", Flavour.ENVOY);
        XdsResources res = Golden.resources(getClass(), "contained", Flavour.ENVOY);
        List<PatchFailure> failures = res.patchFailures();
        assertThat(failures).extracting(PatchFailure::policy).containsExactly("default/bad-pointer", "default/negative-timeout");
        assertThat(failures).extracting(PatchFailure::type).containsOnly("MeshProxyPatch");
        assertThat(failures.getFirst().field()).isEqualTo("spec.default.appendModifications[1]");
        assertThat(failures.getFirst().message()).contains("could not apply 1 modification").contains("jsonPatches[0] (replace /outlierDetection/consecutive5xx) does not apply");
        assertThat(failures.get(1).field()).isEqualTo("spec.default.appendModifications[1]");
        assertThat(failures.get(1).message()).contains("Envoy would refuse the result").contains("cluster \"backend\"")
                .contains("connect_timeout: must be > 0s, got -1s");
        Cluster backend = res.clusters().stream().filter(c -> c.getName().equals("backend")).findFirst().orElseThrow();
        assertThat(backend.getPerConnectionBufferLimitBytes().getValue()).as("bad-pointer left out as a whole").isZero();
        assertThat(backend.getConnectTimeout().getSeconds()).isEqualTo(5);
        assertThat(res.clusters()).extracting(Cluster::getName).contains("audit-sink");
    }

    // contained, proxyless: nothing is tried, nothing fails (notApplied says why).
    @Test
    void contained_proxyless() throws Exception {
        assertThat(Golden.resources(getClass(), "contained", Flavour.PROXYLESS).patchFailures()).isEmpty();
    }
}
