package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZoneIngressSpecTest {

    static final String INGRESS = """
            type: ZoneIngress
            name: ingress-1
            zone: zone-a
            networking:
              address: 192.168.0.1
              advertisedAddress: 10.0.0.1
              port: 10001
              advertisedPort: 10000
              admin:
                port: 9901
            availableServices:
              - tags:
                  kuma.io/service: backend
                  version: v1
                instances: 2
                mesh: default
              - tags:
                  kuma.io/service: httpbin
                instances: 1
                mesh: default
                externalService: true
            """;

    static Resource decode(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML));
    }

    static List<Violation> violations(String yaml) {
        return ResourceValidation.check(decode(yaml)).list();
    }

    @Test
    void validIngressDecodesWithAccessors() {
        assertThat(violations(INGRESS)).isEmpty();
        ZoneIngressSpec spec = decode(INGRESS).spec(ZoneIngressSpec.class);
        assertThat(spec.zone()).isEqualTo("zone-a");
        assertThat(spec.reachableAddress()).isEqualTo("10.0.0.1");
        assertThat(spec.reachablePort()).isEqualTo(10000);
        assertThat(spec.services()).extracting(ZoneIngressSpec.AvailableService::serviceName).containsExactly("backend", "httpbin");
        assertThat(spec.services()).extracting(ZoneIngressSpec.AvailableService::instancesOrZero).containsExactly(2, 1);
        assertThat(spec.services().get(1).externalService()).isTrue();
    }

    @Test
    void minimalIngressWithoutAdvertisedValuesIsValid() {
        String yaml = """
                type: ZoneIngress
                name: ingress-2
                networking:
                  address: ingress.zone-b.example.com
                  port: 10001
                """;
        assertThat(violations(yaml)).isEmpty();
        ZoneIngressSpec spec = decode(yaml).spec(ZoneIngressSpec.class);
        assertThat(spec.reachableAddress()).isEqualTo("ingress.zone-b.example.com");
        assertThat(spec.reachablePort()).isEqualTo(10001);
        assertThat(spec.services()).isEmpty();
    }

    @Test
    void roundTripIsLossless() {
        Resource r = decode(INGRESS);
        ObjectNode encoded = ResourceCodec.encode(r);
        assertThat(ResourceCodec.decode(encoded)).isEqualTo(r);
        assertThat(encoded.has("mesh")).isFalse();
        JsonNode input = ResourceCodec.parse(INGRESS.getBytes(UTF_8), Format.YAML);
        encoded.remove("labels");
        assertThat(encoded).isEqualTo(input);
    }

    @Test
    void meshIsRejectedOnAGlobalScopedType() {
        assertThatThrownBy(() -> decode("type: ZoneIngress\nname: i\nmesh: default\nnetworking: {port: 1}\n"))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations()).extracting(Violation::field).containsExactly("mesh"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("no networking", "zone: a\n", "networking", "must be defined"),
                Arguments.of("port missing", """
                        networking: {address: 10.0.0.1}
                        """, "networking.port", "port must be in the range [1, 65535]"),
                Arguments.of("port too large", """
                        networking: {address: 10.0.0.1, port: 70000}
                        """, "networking.port", "port must be in the range [1, 65535]"),
                Arguments.of("advertised port without address", """
                        networking: {address: 10.0.0.1, port: 10001, advertisedPort: 10000}
                        """, "networking.advertisedAddress", "has to be defined with advertisedPort"),
                Arguments.of("advertised address without port", """
                        networking: {address: 10.0.0.1, port: 10001, advertisedAddress: 1.2.3.4}
                        """, "networking.advertisedPort", "has to be defined with advertisedAddress"),
                Arguments.of("advertised port too large", """
                        networking: {address: 10.0.0.1, port: 10001, advertisedAddress: 1.2.3.4, advertisedPort: 65536}
                        """, "networking.advertisedPort", "port must be in the range [1, 65535]"),
                Arguments.of("bad address", """
                        networking: {address: "no spaces allowed", port: 10001}
                        """, "networking.address", "address has to be valid IP address or domain name"),
                Arguments.of("wildcard advertised address", """
                        networking: {address: 10.0.0.1, port: 10001, advertisedAddress: 0.0.0.0, advertisedPort: 10000}
                        """, "networking.advertisedAddress", "must not be 0.0.0.0 or ::"),
                Arguments.of("admin port equals port", """
                        networking: {address: 10.0.0.1, port: 10001, admin: {port: 10001}}
                        """, "networking.admin.port", "must differ from port"),
                Arguments.of("available service without service tag", """
                        networking: {address: 10.0.0.1, port: 10001}
                        availableServices:
                          - {tags: {kuma.io/service: ok}}
                          - {tags: {version: v1}, instances: 1}
                        """, "availableServices[1].tags", "mandatory tag \"kuma.io/service\" is missing"),
                Arguments.of("available service with bad tag value", """
                        networking: {address: 10.0.0.1, port: 10001}
                        availableServices:
                          - {tags: {kuma.io/service: "a b"}}
                        """, "availableServices[0].tags[\"kuma.io/service\"]",
                        "tag value must consist of alphanumeric characters, dots, dashes and underscores"),
                Arguments.of("negative instances", """
                        networking: {address: 10.0.0.1, port: 10001}
                        availableServices:
                          - {tags: {kuma.io/service: backend}, instances: -1}
                        """, "availableServices[0].instances", "must not be negative"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidIngresses(String title, String body, String field, String message) {
        assertThat(violations("type: ZoneIngress\nname: ingress-1\n" + body)).contains(new Violation(field, message));
    }
}
