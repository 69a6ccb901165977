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

    // hash-policies, Envoy: backend lb_policy RING_HASH with ring_hash_lb_config hash_function MURMUR_HASH_2; backend's
    // route hash_policy in order: header x-session (terminal), cookie sticky (ttl 3600s, path /), query_parameter
    // user, filter_state io.kuma.conn.id, connection_properties source_ip; grpc-api lb_policy RANDOM.
    @Test
    void hashPolicies_envoy() throws Exception {
        Golden.check(getClass(), "hash-policies", Flavour.ENVOY);
    }

    // hash-policies, proxyless: backend's route keeps the header hash policy only (grpc-java hashes by header, none
    // of the others); grpc-api keeps ROUND_ROBIN (grpc-java has no Random). KNOWN BUG pinned here: backend's cluster
    // carries ring_hash_lb_config hash_function MURMUR_HASH_2, which grpc-java rejects ("invalid ring hash function":
    // gRFC A42 allows XX_HASH only), so the client NACKs the cluster; the plugin should leave hash_function out for
    // proxyless clients, and this golden changes with that fix.
    @Test
    void hashPolicies_proxyless() throws Exception {
        Golden.check(getClass(), "hash-policies", Flavour.PROXYLESS);
    }

    // merge, Envoy: backend ROUND_ROBIN (its MeshService item overrides the mesh-wide one); grpc-api and db
    // LEAST_REQUEST with least_request_lb_config choice_count 5 (db is TCP: the cluster's policy still applies).
    @Test
    void merge_envoy() throws Exception {
        Golden.check(getClass(), "merge", Flavour.ENVOY);
    }

    // merge, proxyless: the same per-cluster policies; web (a service of the mesh, hence a proxyless destination too)
    // gets the mesh-wide LEAST_REQUEST as well.
    @Test
    void merge_proxyless() throws Exception {
        Golden.check(getClass(), "merge", Flavour.PROXYLESS);
    }

    // route-level, Envoy: backend RING_HASH (backend-ring); its routes route-0 (prefix /api) and default carry no
    // hash_policy. Kuma would hash route-0 by header x-user (`to: MeshHTTPRoute backend-api`); Ursa's matcher does not
    // resolve MeshHTTPRoute targetRefs yet, so the item is accepted and not applied: this golden pins the gap.
    @Test
    void routeLevel_envoy() throws Exception {
        Golden.check(getClass(), "route-level", Flavour.ENVOY);
    }

    // route-level, proxyless: backend RING_HASH, no hash_policy on its routes (the same gap).
    @Test
    void routeLevel_proxyless() throws Exception {
        Golden.check(getClass(), "route-level", Flavour.PROXYLESS);
    }
}
