package dev.ursa.mesh.matching;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefPolicy;
import dev.ursa.mesh.validation.SpecValidator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** Uses a test-only policy type so the matcher is checked independently of the real policy specs. */
class PolicyMatcherTest {

    record Http(KumaDuration requestTimeout, KumaDuration streamIdleTimeout) {
    }

    record Conf(KumaDuration idleTimeout, Http http, List<String> retryOn, List<String> appendItems, String action) {
    }

    record Item(TargetRef targetRef, @JsonProperty("default") Conf conf) implements PolicyItem {
    }

    record TestPolicy(TargetRef targetRef, List<Item> to, List<Item> from) implements TargetRefPolicy {
    }

    static final ResourceType TYPE = ResourceType.policy("TestPolicy", "testpolicies", TestPolicy.class, SpecValidator.none());

    static Resource policy(String name, TargetRef top, List<Item> to, List<Item> from) {
        return new Resource(TYPE, Meta.fresh("default", name, Map.of()), new TestPolicy(top, to, from));
    }

    static Resource toPolicy(String name, TargetRef top, Item... to) {
        return policy(name, top, List.of(to), List.of());
    }

    static Item item(TargetRef ref, Conf conf) {
        return new Item(ref, conf);
    }

    static Conf idle(String d) {
        return new Conf(KumaDuration.of(d), null, null, null, null);
    }

    static Conf action(String a) {
        return new Conf(null, null, null, null, a);
    }

    static TargetRef dataplane(String name, Map<String, String> labels, String sectionName) {
        return new TargetRef(TargetRefKind.Dataplane, name, null, sectionName, null, labels, null, null, null);
    }

    static Resource dp(String name, Map<String, String> labels, String networking) {
        String yaml = "type: Dataplane\nmesh: default\nname: " + name + "\nnetworking:\n" + networking.indent(2);
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML));
        return r.withMeta(Meta.fresh("default", name, labels));
    }

    static final Resource WEB_V1 = dp("web-1", Map.of("app", "web", "team", "shop"), """
            address: 10.0.0.1
            inbound:
              - port: 8080
                name: http
                tags: {kuma.io/service: web, version: v1}
              - port: 9090
                tags: {kuma.io/service: web-admin}
              - port: 7070
                state: Ignored
                tags: {kuma.io/service: web-debug}
            outbound:
              - port: 33033
                tags: {kuma.io/service: db}
              - port: 33034
                tags: {kuma.io/service: cache}
            """);

    static final Resource WEB_V2 = dp("web-2", Map.of("app", "web"), """
            address: 10.0.0.2
            inbound:
              - port: 8080
                tags: {kuma.io/service: web, version: v2}
            """);

    static final Resource API = dp("api-1", Map.of("app", "api"), """
            address: 10.0.0.3
            inbound:
              - port: 8080
                tags: {kuma.io/service: api}
            """);

    static String idleFor(ToRules rules, String service) {
        return rules.forService(service).map(c -> c.conf(Conf.class).idleTimeout().text()).orElse(null);
    }

    @Test
    void moreSpecificTopLevelTargetRefWins() {
        List<Resource> policies = List.of(
                toPolicy("subset", TargetRef.serviceSubset("web", Map.of("version", "v1")), item(TargetRef.wholeMesh(), idle("3s"))),
                toPolicy("mesh", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("service", TargetRef.service("web"), item(TargetRef.wholeMesh(), idle("2s"))));

        assertThat(PolicyMatcher.matchingPolicies(WEB_V1, policies)).extracting(PolicyMatch::name)
                .containsExactly("mesh", "service", "subset");
        ToRules v1 = PolicyMatcher.toRules(WEB_V1, policies);
        assertThat(idleFor(v1, "db")).isEqualTo("3s");
        assertThat(v1.forService("db").orElseThrow().policies()).containsExactly("mesh", "service", "subset");

        assertThat(idleFor(PolicyMatcher.toRules(WEB_V2, policies), "db")).isEqualTo("2s");
        assertThat(idleFor(PolicyMatcher.toRules(API, policies), "db")).isEqualTo("1s");
    }

    @Test
    void nullTopLevelTargetRefMeansMesh() {
        List<Resource> policies = List.of(toPolicy("no-ref", null, item(TargetRef.wholeMesh(), idle("7s"))));
        List<PolicyMatch> matches = PolicyMatcher.matchingPolicies(API, policies);
        assertThat(matches).singleElement().satisfies(m -> assertThat(m.targetRef().kind()).isEqualTo(TargetRefKind.Mesh));
        assertThat(idleFor(PolicyMatcher.toRules(API, policies), "anything")).isEqualTo("7s");
    }

    @Test
    void equalPoliciesAreBrokenByInvertedNameOrderSoTheFirstNameWins() {
        List<Resource> policies = List.of(
                toPolicy("aaa", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("bbb", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(), idle("2s"))));
        assertThat(PolicyMatcher.matchingPolicies(API, policies)).extracting(PolicyMatch::name).containsExactly("bbb", "aaa");
        assertThat(idleFor(PolicyMatcher.toRules(API, policies), "db")).isEqualTo("1s");
        // the input order does not matter
        assertThat(idleFor(PolicyMatcher.toRules(API, policies.reversed()), "db")).isEqualTo("1s");
    }

    @Test
    void confsMergeDeeplyAndTheMoreSpecificPolicyWinsOnTheSameField() {
        Conf general = new Conf(KumaDuration.of("1h"), new Http(KumaDuration.of("5s"), null), null, null, null);
        Conf specific = new Conf(KumaDuration.of("30m"), new Http(null, KumaDuration.of("10s")), null, null, null);
        List<Resource> policies = List.of(
                toPolicy("specific", TargetRef.service("api"), item(TargetRef.wholeMesh(), specific)),
                toPolicy("general", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(), general)));

        MergedConf merged = PolicyMatcher.toRules(API, policies).forService("db").orElseThrow();
        Conf conf = merged.conf(Conf.class);
        assertThat(conf.idleTimeout().text()).isEqualTo("30m");
        assertThat(conf.http().requestTimeout().text()).isEqualTo("5s");
        assertThat(conf.http().streamIdleTimeout().text()).isEqualTo("10s");
        assertThat(merged.json().toString())
                .isEqualTo("{\"idleTimeout\":\"30m\",\"http\":{\"requestTimeout\":\"5s\",\"streamIdleTimeout\":\"10s\"}}");
        assertThat(merged.policies()).containsExactly("general", "specific");
    }

    @Test
    void listsReplaceExceptAppendFields() {
        List<Resource> policies = List.of(
                toPolicy("general", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(),
                        new Conf(null, null, List.of("5xx", "reset"), List.of("x"), null))),
                toPolicy("specific", TargetRef.service("api"), item(TargetRef.wholeMesh(),
                        new Conf(null, null, List.of("gateway-error"), List.of("y"), null))));
        Conf conf = PolicyMatcher.toRules(API, policies).forService("db").orElseThrow().conf(Conf.class);
        assertThat(conf.retryOn()).containsExactly("gateway-error");
        assertThat(conf.appendItems()).containsExactly("x", "y");
    }

    @Test
    void toItemNamingAServiceOverridesTheMeshItemForThatServiceOnly() {
        List<Resource> policies = List.of(toPolicy("timeouts", TargetRef.wholeMesh(),
                item(TargetRef.service("db"), idle("9s")),
                item(TargetRef.wholeMesh(), idle("1s"))));
        ToRules rules = PolicyMatcher.toRules(WEB_V1, policies);
        assertThat(idleFor(rules, "db")).isEqualTo("9s");
        assertThat(idleFor(rules, "cache")).isEqualTo("1s");
        assertThat(idleFor(rules, "not-an-outbound")).isEqualTo("1s");
        assertThat(rules.meshDefault()).get().extracting(c -> c.conf(Conf.class).idleTimeout().text()).isEqualTo("1s");
        assertThat(rules.byService()).containsOnlyKeys("db", "cache");
    }

    @Test
    void toItemKindIsTheSecondKeyAfterTheTopLevelTargetRef() {
        // same top level: the MeshService item is merged after the Mesh item even though "aaa" sorts first by name
        List<Resource> sameTop = List.of(
                toPolicy("zzz-db", TargetRef.wholeMesh(), item(TargetRef.service("db"), idle("9s"))),
                toPolicy("aaa-all", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(), idle("1s"))));
        assertThat(idleFor(PolicyMatcher.toRules(API, sameTop), "db")).isEqualTo("9s");

        // a more specific top level still wins over a more specific to-item
        List<Resource> differentTop = List.of(
                toPolicy("for-api", TargetRef.service("api"), item(TargetRef.wholeMesh(), idle("5s"))),
                toPolicy("to-db", TargetRef.wholeMesh(), item(TargetRef.service("db"), idle("9s"))));
        ToRules rules = PolicyMatcher.toRules(API, differentTop);
        assertThat(idleFor(rules, "db")).isEqualTo("5s");
        assertThat(rules.forService("db").orElseThrow().policies()).containsExactly("to-db", "for-api");
    }

    @Test
    void externalAndMultiZoneServicesAreTargetedByName() {
        TargetRef mes = new TargetRef(TargetRefKind.MeshExternalService, "httpbin", null, null, null, null, null, null, null);
        TargetRef mzs = new TargetRef(TargetRefKind.MeshMultiZoneService, "db-global", null, null, null, null, null, null, null);
        List<Resource> policies = List.of(toPolicy("p", TargetRef.wholeMesh(), item(mes, idle("3s")), item(mzs, idle("4s"))));
        ToRules rules = PolicyMatcher.toRules(API, policies);
        assertThat(idleFor(rules, "httpbin")).isEqualTo("3s");
        assertThat(idleFor(rules, "db-global")).isEqualTo("4s");
        assertThat(rules.forService("db")).isEmpty();
    }

    @Test
    void fromItemsApplyToClientsByTheirTags() {
        List<Resource> policies = List.of(
                policy("web-permissions", TargetRef.service("web"), List.of(), List.of(
                        item(TargetRef.wholeMesh(), action("Deny")),
                        item(TargetRef.service("frontend"), action("Allow")),
                        item(TargetRef.subset(Map.of("team", "ops")), action("AllowWithShadowDeny")))),
                policy("api-permissions", TargetRef.service("api"), List.of(), List.of(item(TargetRef.wholeMesh(), action("Allow")))));

        FromRules rules = PolicyMatcher.fromRules(WEB_V1, policies);
        assertThat(rules.inbounds()).extracting(r -> r.inbound().portOrZero()).containsExactly(8080);
        FromRules.InboundRules web = rules.forInbound(8080).orElseThrow();
        assertThat(web.forClient(Map.of("kuma.io/service", "frontend")).orElseThrow().conf(Conf.class).action()).isEqualTo("Allow");
        assertThat(web.forClient(Map.of("kuma.io/service", "backend")).orElseThrow().conf(Conf.class).action()).isEqualTo("Deny");
        assertThat(web.forClient(Map.of("kuma.io/service", "backend", "team", "ops")).orElseThrow().conf(Conf.class).action())
                .isEqualTo("AllowWithShadowDeny");
        assertThat(web.forAnyClient().orElseThrow().conf(Conf.class).action()).isEqualTo("Deny");
        assertThat(rules.forInbound(9090)).isEmpty();
    }

    @Test
    void fromItemsOfAMoreSpecificPolicyWin() {
        List<Resource> policies = List.of(
                policy("mesh-allow", TargetRef.wholeMesh(), List.of(), List.of(item(TargetRef.service("frontend"), action("Allow")))),
                policy("web-deny", TargetRef.service("web"), List.of(), List.of(item(TargetRef.wholeMesh(), action("Deny")))));
        FromRules.InboundRules web = PolicyMatcher.fromRules(WEB_V1, policies).forInbound(8080).orElseThrow();
        MergedConf c = web.forClient(Map.of("kuma.io/service", "frontend")).orElseThrow();
        assertThat(c.conf(Conf.class).action()).isEqualTo("Deny");
        assertThat(c.policies()).containsExactly("mesh-allow", "web-deny");
        // the Mesh policy selects every non-ignored inbound
        assertThat(PolicyMatcher.fromRules(WEB_V1, policies).inbounds()).extracting(r -> r.inbound().portOrZero())
                .containsExactly(8080, 9090);
    }

    @Test
    void dataplaneKindSelectsByLabelsNameAndSectionName() {
        Resource byLabels = toPolicy("by-labels", dataplane(null, Map.of("app", "web"), null), item(TargetRef.wholeMesh(), idle("1s")));
        Resource byName = toPolicy("by-name", dataplane("web-2", null, null), item(TargetRef.wholeMesh(), idle("2s")));
        Resource bySection = toPolicy("by-section", dataplane(null, Map.of("team", "shop"), "http"), item(TargetRef.wholeMesh(), idle("3s")));
        Resource byPort = toPolicy("by-port", dataplane("web-1", null, "9090"), item(TargetRef.wholeMesh(), idle("4s")));
        List<Resource> all = List.of(byLabels, byName, bySection, byPort);

        assertThat(PolicyMatcher.matchingPolicies(WEB_V1, all)).extracting(PolicyMatch::name)
                .containsExactly("by-labels", "by-section", "by-port");
        assertThat(PolicyMatcher.matchingPolicies(WEB_V2, all)).extracting(PolicyMatch::name).containsExactly("by-labels", "by-name");
        assertThat(PolicyMatcher.matchingPolicies(API, all)).isEmpty();

        List<PolicyMatch> web1 = PolicyMatcher.matchingPolicies(WEB_V1, all);
        assertThat(web1.get(1).inbounds()).extracting(i -> i.portOrZero()).containsExactly(8080);
        assertThat(web1.get(2).inbounds()).extracting(i -> i.portOrZero()).containsExactly(9090);
        assertThat(web1.get(0).reason()).isEqualTo("targetRef Dataplane labels {app=web} selects inbound web:8080, web-admin:9090");
        // Dataplane by name beats Dataplane by labels
        assertThat(idleFor(PolicyMatcher.toRules(WEB_V1, all), "db")).isEqualTo("4s");
        assertThat(idleFor(PolicyMatcher.toRules(WEB_V2, all), "db")).isEqualTo("2s");
    }

    @Test
    void nonMatchingPoliciesAreExcluded() {
        TargetRef gateway = new TargetRef(TargetRefKind.MeshGateway, "edge", null, null, null, null, null, null, null);
        TargetRef gatewaysOnly = new TargetRef(TargetRefKind.Mesh, null, null, null, null, null, null,
                List.of(TargetRef.ProxyType.Gateway), null);
        List<Resource> policies = List.of(
                toPolicy("other-service", TargetRef.service("payments"), item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("other-version", TargetRef.serviceSubset("web", Map.of("version", "v2")), item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("other-subset", TargetRef.subset(Map.of("zone", "east")), item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("ignored-inbound", TargetRef.service("web-debug"), item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("mesh-gateway", gateway, item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("gateways-only", gatewaysOnly, item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("version-any", TargetRef.subset(Map.of("version", "*")), item(TargetRef.wholeMesh(), idle("8s"))));

        assertThat(PolicyMatcher.matchingPolicies(WEB_V1, policies)).extracting(PolicyMatch::name).containsExactly("version-any");
        ToRules rules = PolicyMatcher.toRules(WEB_V1, policies);
        assertThat(idleFor(rules, "db")).isEqualTo("8s");
        assertThat(rules.forService("db").orElseThrow().policies()).containsExactly("version-any");
        assertThat(PolicyMatcher.matchingPolicies(API, policies)).isEmpty();
        assertThat(PolicyMatcher.toRules(API, policies).forService("db")).isEmpty();
    }

    @Test
    void delegatedGatewayIsSelectedByItsTags() {
        Resource kong = dp("kong-1", Map.of(), """
                address: 10.0.0.9
                gateway: {tags: {kuma.io/service: kong}}
                """);
        TargetRef gatewaysOnly = new TargetRef(TargetRefKind.Mesh, null, null, null, null, null, null,
                List.of(TargetRef.ProxyType.Gateway), null);
        List<Resource> policies = List.of(
                toPolicy("kong", TargetRef.service("kong"), item(TargetRef.wholeMesh(), idle("2s"))),
                toPolicy("gateways", gatewaysOnly, item(TargetRef.wholeMesh(), idle("1s"))),
                toPolicy("web", TargetRef.service("web"), item(TargetRef.wholeMesh(), idle("9s"))));
        List<PolicyMatch> matches = PolicyMatcher.matchingPolicies(kong, policies);
        assertThat(matches).extracting(PolicyMatch::name).containsExactly("gateways", "kong");
        assertThat(matches.get(1).inbounds()).isEmpty();
        assertThat(matches.get(1).reason()).isEqualTo("targetRef MeshService kong selects the gateway");
        assertThat(idleFor(PolicyMatcher.toRules(kong, policies), "backend")).isEqualTo("2s");
    }

    @Test
    void originAndRoleLabelsOrderEqualKindsBeforeTheName() {
        Resource zone = new Resource(TYPE, Meta.fresh("default", "zzz", Map.of("kuma.io/origin", "zone")),
                new TestPolicy(TargetRef.wholeMesh(), List.of(item(TargetRef.wholeMesh(), idle("2s"))), List.of()));
        Resource global = toPolicy("aaa", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(), idle("1s")));
        assertThat(idleFor(PolicyMatcher.toRules(API, List.of(zone, global)), "db")).isEqualTo("2s");
    }

    @Test
    void meshSelectsAProxyWithNoInboundButServiceKindsDoNot() {
        Resource client = new Resource(ResourceTypes.DATAPLANE, Meta.fresh("default", "client-1", Map.of()),
                DataplaneSpec.of(new DataplaneSpec.Networking("127.0.0.1", null, null, null, null, null, null, null)));
        List<Resource> policies = List.of(
                toPolicy("all", TargetRef.wholeMesh(), item(TargetRef.wholeMesh(), idle("3s"))),
                toPolicy("web", TargetRef.service("web"), item(TargetRef.wholeMesh(), idle("9s"))));
        List<PolicyMatch> matches = PolicyMatcher.matchingPolicies(client, policies);
        assertThat(matches).extracting(PolicyMatch::name).containsExactly("all");
        assertThat(matches.getFirst().reason()).isEqualTo("targetRef Mesh selects the whole proxy (it has no inbound)");
        assertThat(idleFor(PolicyMatcher.toRules(client, policies), "backend")).isEqualTo("3s");
    }
}
