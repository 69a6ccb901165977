package dev.ursa.zone.xds.plugins.meshratelimit;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.matching.PolicyMatcher;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Conf;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Match;
import dev.ursa.mesh.resources.DataplaneSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What each inbound gets, Kuma's way: merge order, rule order and which rules contain which (rules/inbound, configurer.go). */
class InboundRateLimitsTest {
    private static final String DATAPLANE = """
            type: Dataplane
            mesh: default
            name: web-1
            networking:
              address: 10.0.0.1
              inbound:
                - {port: 8080, name: http, tags: {kuma.io/service: web, kuma.io/protocol: http}}
                - {port: 9000, name: admin, tags: {kuma.io/service: web-admin}}
            """;

    @Test
    void fromItemsAndRulesWithoutMatchesMergeForEveryClientLeastSpecificPolicyFirst() {
        var limits = limits(8080, """
                type: MeshRateLimit
                mesh: default
                name: a-mesh
                spec:
                  targetRef: {kind: Mesh, proxyTypes: [Sidecar]}
                  from:
                    - targetRef: {kind: Mesh}
                      default: {local: {http: {requestRate: {num: 100, interval: 10s}, onRateLimit: {status: 503}}, tcp: {connectionRate: {num: 9, interval: 1s}}}}
                    - targetRef: {kind: Mesh}
                      default: {local: {http: {onRateLimit: {status: 502}}}}
                """, """
                type: MeshRateLimit
                mesh: default
                name: z-dataplane
                spec:
                  targetRef: {kind: Dataplane, name: web-1}
                  rules:
                    - default: {local: {http: {requestRate: {num: 10, interval: 1s}}}}
                """);
        Conf every = limits.everyClient().orElseThrow();
        // the Dataplane policy is more specific: its rate wins; within a policy the later item wins (status 502)
        assertThat(every.local().http().requestRate().num()).isEqualTo(10L);
        assertThat(every.local().http().onRateLimit().status()).isEqualTo(502L);
        assertThat(every.local().tcp().connectionRate().num()).isEqualTo(9L);
        assertThat(limits.byIdentity()).isEmpty();
    }

    @Test
    void aPolicyScopedToOneInboundLeavesTheOthers() {
        String policy = """
                type: MeshRateLimit
                mesh: default
                name: admin-only
                spec:
                  targetRef: {kind: Dataplane, name: web-1, sectionName: admin}
                  rules:
                    - default: {local: {tcp: {connectionRate: {num: 3, interval: 1s}}}}
                """;
        assertThat(limits(9000, policy).everyClient()).isPresent();
        assertThat(limits(8080, policy).everyClient()).isEmpty();
    }

    @Test
    void rulesByIdentityAreMostSpecificFirstAndMergeTheRulesThatContainThem() {
        var limits = limits(8080, """
                type: MeshRateLimit
                mesh: default
                name: identities
                spec:
                  targetRef: {kind: Dataplane, name: web-1}
                  rules:
                    - matches: [{spiffeID: {type: Prefix, value: 'spiffe://default/f'}}]
                      default: {local: {http: {requestRate: {num: 1, interval: 1s}, onRateLimit: {status: 503}}}}
                    - matches: [{spiffeID: {type: Prefix, value: 'spiffe://default/frontend'}}]
                      default: {local: {http: {requestRate: {num: 2, interval: 1s}}}}
                    - matches: [{spiffeID: {type: Exact, value: 'spiffe://default/frontend-admin'}}]
                      default: {local: {http: {requestRate: {num: 3, interval: 1s}}}}
                    - matches: [{spiffeID: {type: Exact, value: 'spiffe://default/frontend-admin'}, sni: {type: Exact, value: web.mesh}}]
                      default: {local: {http: {disabled: true}}}
                    - matches: [{sni: {type: Exact, value: web.mesh}}]
                      default: {local: {http: {requestRate: {num: 4, interval: 1s}}}}
                    - default: {local: {http: {onRateLimit: {headers: {add: [{name: x-limited, value: 'yes'}]}}}}}
                """);
        List<String> order = new ArrayList<>();
        for (var rule : limits.byIdentity()) order.add(describe(rule.match()));
        assertThat(order).containsExactly("Exact spiffe://default/frontend-admin sni web.mesh", "Exact spiffe://default/frontend-admin",
                "Prefix spiffe://default/frontend", "Prefix spiffe://default/f");
        // the SNI-qualified admin rule merges every rule containing it (least specific first) over the every-client conf
        var adminOverSni = limits.byIdentity().get(0).conf().local().http();
        assertThat(adminOverSni.disabled()).isTrue();
        assertThat(adminOverSni.requestRate().num()).isEqualTo(3L);
        var admin = limits.byIdentity().get(1).conf().local().http();
        assertThat(admin.disabled()).isNull();
        assertThat(admin.requestRate().num()).isEqualTo(3L);
        assertThat(admin.onRateLimit().status()).isEqualTo(503L); // from the short prefix, which contains it
        assertThat(admin.onRateLimit().headers().add()).hasSize(1); // from the every-client rule
        assertThat(limits.byIdentity().get(2).conf().local().http().requestRate().num()).isEqualTo(2L);
        assertThat(limits.byIdentity().get(3).conf().local().http().requestRate().num()).isEqualTo(1L);
        // the SNI-only rule does not apply to a sidecar inbound; the every-client conf has no rate of its own
        assertThat(limits.everyClient().orElseThrow().local().http().requestRate()).isNull();
    }

    @Test
    void withoutARuleForEveryClientNothingAppliesToEveryClient() {
        var limits = limits(8080, """
                type: MeshRateLimit
                mesh: default
                name: identities
                spec:
                  targetRef: {kind: Dataplane, name: web-1}
                  rules:
                    - matches: [{spiffeID: {type: Exact, value: 'spiffe://default/frontend'}}]
                      default: {local: {http: {requestRate: {num: 2, interval: 1s}}}}
                """);
        assertThat(limits.everyClient()).isEmpty();
        assertThat(limits.byIdentity()).hasSize(1);
    }

    private static String describe(Match m) {
        return m.spiffeID().type() + " " + m.spiffeID().value() + (m.sni() == null ? "" : " sni " + m.sni().value());
    }

    private static InboundRateLimits limits(int port, String... policies) {
        Resource dp = decode(DATAPLANE);
        List<Resource> resources = new ArrayList<>();
        for (String p : policies) resources.add(decode(p));
        List<PolicyMatch> matches = PolicyMatcher.matchingPolicies(dp, resources);
        DataplaneSpec.Inbound inbound = ((DataplaneSpec) dp.spec()).inbounds().stream()
                .filter(i -> i.portOrZero() == port).findFirst().orElseThrow();
        return InboundRateLimits.of(matches, inbound);
    }

    private static Resource decode(String yaml) {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        assertThat(ResourceValidation.check(r).list()).as(yaml).isEmpty();
        return r;
    }
}
