package dev.ursa.mesh.matching;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The effective configuration for one destination (to) or one client (from).
 *
 * @param conf     the merged {@code default} block bound to the conf class of the policy type (a JsonNode when the
 *                 items carry raw JSON)
 * @param json     the same merged block as JSON
 * @param policies names of the contributing policies, in merge order (least to most specific, the last one wins)
 */
public record MergedConf(Object conf, JsonNode json, List<String> policies) {
    public MergedConf {
        policies = List.copyOf(policies);
    }

    public <C> C conf(Class<C> type) {
        return type.cast(conf);
    }
}
