package dev.ursa.zone.xds.plugins.meshloadbalancingstrategy;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/**
 * Golden files: input YAML in testdata/ rendered for web-1 in zone-1 (see {@link Golden}). Locality awareness cases:
 * cross-zone endpoints (default priorities), ordered failover with a threshold, None, disabled, local affinity.
 */
class MeshLoadBalancingStrategyPluginTest {
    // ring-hash, Envoy: backend lb_policy RING_HASH with ring_hash_lb_config minimum/maximum_ring_size 1024/8192 and the
    // route's hash_policy (header x-user, then connection_properties.source_ip); grpc-api LEAST_REQUEST with
    // choice_count 3; db MAGLEV with table_size 65537.
    @Test
    void ringHash_envoy() throws Exception {
        Golden.check(getClass(), "ring-hash", Flavour.ENVOY);
    }

    // ring-hash, proxyless: RING_HASH and LEAST_REQUEST as for Envoy, hash_policy keeps the header only (grpc-java has
    // no source-IP hashing); db keeps round robin (grpc-java has no Maglev).
    @Test
    void ringHash_proxyless() throws Exception {
        Golden.check(getClass(), "ring-hash", Flavour.PROXYLESS);
    }

    // cross-zone, Envoy (no policy): backend's EDS has zone-1's endpoints at priority 0 and an endpoint per other zone's
    // ingress at priority 1 (zone-2 at its advertised address 10.2.0.1 with weight 3 = 2+1 instances of both tag sets,
    // zone-3 weight 1); zone-1's own ingress, grpc-api's 0-instance offer and mesh "other" give nothing;
    // overprovisioning_factor 200 (threshold 50%). Clusters carry a transport_socket_match: endpoints with metadata
    // ursa.io/cross-zone get TLS with the cross-zone SNI (backend.default.<hash>.ursa) for the ingress to route on.
    @Test
    void crossZone_envoy() throws Exception {
        Golden.check(getClass(), "cross-zone", Flavour.ENVOY);
    }

    // cross-zone, proxyless: the same localities, priorities and weights; no TLS socket match (proxyless clients reach
    // the ingress in plaintext h2, routed by :authority).
    @Test
    void crossZone_proxyless() throws Exception {
        Golden.check(getClass(), "cross-zone", Flavour.PROXYLESS);
    }

    // failover, Envoy: backend: local zone priority 0 (the not-ready instance as UNHEALTHY), zone-2 priority 1 (entry
    // "Only zone-2"), the zone-9 entry skipped, zone-3 priority 2 ("AnyExcept zone-2, zone-4", renumbered from 3);
    // zone-4 selected by no entry gets no endpoint; threshold 70% -> overprovisioning_factor 143 (100 * 100 / 70).
    // grpc-api ("None"): local endpoints only. db (disabled): every zone at priority 0, weighted by instances.
    @Test
    void failover_envoy() throws Exception {
        Golden.check(getClass(), "failover", Flavour.ENVOY);
    }

    // failover, proxyless: not-ready instances left out, and the 70% threshold precomputed into locality weights
    // (grpc-java ignores overprovisioning): 2 of 3 local healthy = 66.7% -> Envoy's rule keeps 66.7 * 1.43 = 95% local,
    // so zone-1 weight 9500 and zone-2 weight 500 at priority 0, zone-3 at priority 1. grpc-api and db as for Envoy.
    @Test
    void failover_proxyless() throws Exception {
        Golden.check(getClass(), "failover", Flavour.PROXYLESS);
    }

    // affinity, Envoy: web-1 (version v1) prefers local instances with the same version: locality zone-1/sub_zone
    // "version=v1" weight 9, the rest of zone-1 weight 1, both priority 0, zone-2's ingress at priority 1; the cluster
    // gets common_lb_config.locality_weighted_lb_config so Envoy honours the locality weights.
    @Test
    void affinity_envoy() throws Exception {
        Golden.check(getClass(), "affinity", Flavour.ENVOY);
    }

    // affinity, proxyless: the same sub-zone localities and weights (grpc-java always weighs localities).
    @Test
    void affinity_proxyless() throws Exception {
        Golden.check(getClass(), "affinity", Flavour.PROXYLESS);
    }
}
