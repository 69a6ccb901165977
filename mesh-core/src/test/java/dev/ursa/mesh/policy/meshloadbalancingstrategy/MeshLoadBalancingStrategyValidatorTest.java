package dev.ursa.mesh.policy.meshloadbalancingstrategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Fixture;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.ToZoneType;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MeshLoadBalancingStrategyValidatorTest {
    private static final String TYPE = "MeshLoadBalancingStrategy";

    @Test
    void crossZoneFixtureBindsTheFailoverOrder() {
        Fixture fixture = PolicyFixtures.named(TYPE, "cross-zone-ordered-failover.yaml");
        var spec = PolicyFixtures.decode(PolicyFixtures.read(fixture)).spec(MeshLoadBalancingStrategySpec.class);
        var to = spec.to().getFirst();
        assertThat(to.targetRef().kind()).isEqualTo(TargetRefKind.MeshMultiZoneService);
        assertThat(to.targetRef().port()).isEqualTo(9090);
        var crossZone = to.conf().localityAwareness().crossZone();
        assertThat(crossZone.failover()).extracting(f -> f.to().type()).containsExactly(ToZoneType.Only, ToZoneType.AnyExcept, ToZoneType.Any);
        assertThat(crossZone.failover().get(1).to().zones()).containsExactly("ap-south", "ap-east");
        assertThat(crossZone.failoverThreshold().percentage().decimal()).contains(BigDecimal.valueOf(40));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("unknown field inside default", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancing: {type: RoundRobin}
                        """, "spec.to[0].default.loadBalancing", "unknown field"),
                arguments("bad load balancer type", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer: {type: WeightedRandom}
                        """, "spec.to[0].default.loadBalancer.type", "must be one of"),
                arguments("weight is a string", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              localZone:
                                affinityTags: [{key: k8s.io/node, weight: "10"}]
                        """, "spec.to[0].default.localityAwareness.localZone.affinityTags[0].weight", "must be an integer"),
                arguments("bad cookie ttl duration", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            hashPolicies:
                            - type: Cookie
                              cookie: {name: session, ttl: 10 seconds}
                        """, "spec.to[0].default.hashPolicies[0].cookie.ttl", "invalid duration"),
                arguments("bad failover to.type", """
                        to:
                        - targetRef: {kind: MeshMultiZoneService, name: backend}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - to: {type: Everywhere}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[0].to.type", "must be one of"),
                arguments("percentage is a boolean", """
                        to:
                        - targetRef: {kind: MeshMultiZoneService, name: backend}
                          default:
                            localityAwareness:
                              crossZone:
                                failoverThreshold: {percentage: true}
                        """, "spec.to[0].default.localityAwareness.crossZone.failoverThreshold.percentage", "must be a number or a string"),
                arguments("no to items", """
                        targetRef: {kind: Mesh}
                        """, "spec.to", "needs at least one item"),
                arguments("unsupported top-level kind", """
                        targetRef: {kind: MeshHTTPRoute, name: route}
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer: {type: Random}
                        """, "spec.targetRef.kind", "not supported"),
                arguments("unsupported to kind", """
                        to:
                        - targetRef: {kind: MeshServiceSubset, name: backend, tags: {version: v1}}
                          default:
                            loadBalancer: {type: Random}
                        """, "spec.to[0].targetRef.kind", "not supported"),
                arguments("gateway with loadBalancer only to Mesh", """
                        targetRef: {kind: MeshGateway, name: edge}
                        to:
                        - targetRef: {kind: MeshService, name: backend}
                          default:
                            loadBalancer: {type: RoundRobin}
                        """, "spec.to[0].targetRef.kind", "only Mesh is allowed if loadBalancer is set"),
                arguments("failover Only without zones", """
                        to:
                        - targetRef: {kind: MeshMultiZoneService, name: backend, namespace: kuma-demo}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - to: {type: Only}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[0].to.zones", "must not be empty when type is Only"),
                arguments("failover AnyExcept with empty zones", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - to: {type: Any}
                                - to: {type: AnyExcept, zones: []}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[1].to.zones", "must not be empty when type is AnyExcept"),
                arguments("failover Any with zones", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - to: {type: Any, zones: [us-1]}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[0].to.zones", "must be empty when type is Any"),
                arguments("failover None with zones", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - to: {type: None, zones: [us-1]}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[0].to.zones", "must be empty when type is None"),
                arguments("failover from with no zones", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - from: {zones: []}
                                  to: {type: Any}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[0].from.zones", "must not be empty"),
                arguments("failover from with an empty zone name", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - from: {zones: [us-1, ""]}
                                  to: {type: Any}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[0].from.zones[1]", "must not be empty"),
                arguments("failover without to", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - from: {zones: [us-1]}
                        """, "spec.to[0].default.localityAwareness.crossZone.failover[0].to", "must be defined"),
                arguments("failover threshold above 100", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failoverThreshold: {percentage: 101}
                        """, "spec.to[0].default.localityAwareness.crossZone.failoverThreshold.percentage", "[0.0, 100.0]"),
                arguments("failover threshold zero", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failoverThreshold: {percentage: 0}
                        """, "spec.to[0].default.localityAwareness.crossZone.failoverThreshold.percentage", "greater than 0"),
                arguments("failover threshold not a number", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              crossZone:
                                failoverThreshold: {percentage: "half"}
                        """, "spec.to[0].default.localityAwareness.crossZone.failoverThreshold.percentage", "valid number"),
                arguments("crossZone on a MeshService port", """
                        to:
                        - targetRef: {kind: MeshService, name: backend, sectionName: http}
                          default:
                            localityAwareness:
                              crossZone:
                                failover:
                                - to: {type: Any}
                        """, "spec.to[0].default.localityAwareness.crossZone", "MeshService traffic is local"),
                arguments("affinity tag without key", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              localZone:
                                affinityTags: [{key: ""}]
                        """, "spec.to[0].default.localityAwareness.localZone.affinityTags[0].key", "must not be empty"),
                arguments("affinity weights on some tags only", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              localZone:
                                affinityTags: [{key: k8s.io/node, weight: 90}, {key: k8s.io/az}]
                        """, "spec.to[0].default.localityAwareness.localZone.affinityTags", "all or none"),
                arguments("affinity weight zero", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            localityAwareness:
                              localZone:
                                affinityTags: [{key: k8s.io/node, weight: 0}]
                        """, "spec.to[0].default.localityAwareness.localZone.affinityTags[0].weight", "greater than 0"),
                arguments("MeshHTTPRoute with loadBalancer", """
                        to:
                        - targetRef: {kind: MeshHTTPRoute, name: route-1}
                          default:
                            loadBalancer: {type: RingHash}
                        """, "spec.to[0].default.loadBalancer", "only hashPolicies is supported"),
                arguments("MeshHTTPRoute with localityAwareness", """
                        to:
                        - targetRef: {kind: MeshHTTPRoute, name: route-1}
                          default:
                            localityAwareness: {disabled: true}
                        """, "spec.to[0].default.localityAwareness", "only hashPolicies is supported"),
                arguments("header hash policy without header", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer:
                              type: RingHash
                              ringHash:
                                hashPolicies: [{type: Header}]
                        """, "spec.to[0].default.loadBalancer.ringHash.hashPolicies[0].header", "must be defined"),
                arguments("cookie path not absolute", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            hashPolicies:
                            - type: Cookie
                              cookie: {name: session, path: api}
                        """, "spec.to[0].default.hashPolicies[0].cookie.path", "absolute path"),
                arguments("connection hash policy without connection", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer:
                              type: Maglev
                              maglev:
                                hashPolicies: [{type: Connection}]
                        """, "spec.to[0].default.loadBalancer.maglev.hashPolicies[0].connection", "must be defined"),
                arguments("hash policies at both levels", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            hashPolicies: [{type: QueryParameter, queryParameter: {name: user}}]
                            loadBalancer:
                              type: RingHash
                              ringHash:
                                hashPolicies: [{type: FilterState, filterState: {key: k}}]
                        """, "spec.to[0].default.loadBalancer.ringHash.hashPolicies", "already specified in the root level"),
                arguments("negative active request bias", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer:
                              type: LeastRequest
                              leastRequest: {choiceCount: 3, activeRequestBias: "-1.5"}
                        """, "spec.to[0].default.loadBalancer.leastRequest.activeRequestBias", "greater than or equal to 0"),
                arguments("choice count below 2", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer:
                              type: LeastRequest
                              leastRequest: {choiceCount: 1}
                        """, "spec.to[0].default.loadBalancer.leastRequest.choiceCount", "greater than or equal to 2"),
                arguments("maglev table too large", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer:
                              type: Maglev
                              maglev: {tableSize: 5000012}
                        """, "spec.to[0].default.loadBalancer.maglev.tableSize", "[1, 5000011]"),
                arguments("load balancer without type", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            loadBalancer:
                              ringHash: {minRingSize: 64}
                        """, "spec.to[0].default.loadBalancer.type", "must be defined"),
                arguments("Mesh targetRef with a name", """
                        to:
                        - targetRef: {kind: Mesh, name: default}
                          default:
                            loadBalancer: {type: Random}
                        """, "spec.to[0].targetRef.name", "not yet supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsTheField(String name, String spec, String field, String message) {
        List<Violation> violations = PolicyFixtures.violations(document(spec));
        assertThat(violations).extracting(Violation::field).containsExactly(field);
        assertThat(violations.getFirst().message()).contains(message);
    }

    @Test
    void reportsEveryViolationAtOnce() {
        List<Violation> violations = PolicyFixtures.violations(document("""
                to:
                - targetRef: {kind: Mesh}
                  default:
                    localityAwareness:
                      crossZone:
                        failover:
                        - to: {type: Only}
                        - to: {type: Any, zones: [eu-1]}
                        failoverThreshold: {percentage: 150}
                """));
        assertThat(violations).extracting(Violation::field).containsExactlyInAnyOrder(
                "spec.to[0].default.localityAwareness.crossZone.failover[0].to.zones",
                "spec.to[0].default.localityAwareness.crossZone.failover[1].to.zones",
                "spec.to[0].default.localityAwareness.crossZone.failoverThreshold.percentage");
    }

    @Test
    void roundTripKeepsExactlyWhatTheUserWrote() throws Exception {
        String yaml = document("""
                targetRef:
                  kind: Dataplane
                  labels: {app: web}
                to:
                - targetRef: {kind: MeshMultiZoneService, name: backend, namespace: kuma-demo, sectionName: http, _port: 8080}
                  default:
                    loadBalancer:
                      type: RingHash
                      ringHash:
                        hashFunction: MurmurHash2
                        minRingSize: 64
                        maxRingSize: 1024
                    hashPolicies:
                    - type: Cookie
                      terminal: true
                      cookie: {name: session, ttl: 1m30s, path: /}
                    - type: Connection
                      connection: {sourceIP: true}
                    localityAwareness:
                      disabled: false
                      localZone:
                        affinityTags: []
                      crossZone:
                        failover:
                        - from: {zones: [us-1]}
                          to: {type: Only, zones: [us-2]}
                        - to: {type: Any}
                        failoverThreshold: {percentage: "12.5"}
                - targetRef: {kind: Mesh}
                  default:
                    loadBalancer:
                      type: LeastRequest
                      leastRequest: {choiceCount: 3, activeRequestBias: 1}
                - targetRef: {kind: Mesh}
                  default:
                    loadBalancer: {type: RoundRobin, roundRobin: {}}
                """);
        Resource first = PolicyFixtures.decode(yaml);
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();

        JsonNode encoded = ResourceCodec.encode(first);
        Resource second = ResourceCodec.decode(ResourceCodec.parse(ResourceCodec.write(encoded, Format.JSON), Format.JSON));
        assertThat(second.spec()).isEqualTo(first.spec());

        JsonNode written = ResourceCodec.parse(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), Format.YAML);
        assertThat(encoded.get("spec")).isEqualTo(written.get("spec"));
    }

    private static String document(String spec) {
        return "type: " + TYPE + "\nname: test\nmesh: default\nspec:\n" + spec.indent(2);
    }
}
