package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.policy.common.GoNet.HostPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The cases of Go's net/ipsock_test.go (splitJoinTests and splitFailureTests) that bear on the result. */
class GoNetTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "www.google.com:80|www.google.com|80",
            "127.0.0.1:1234|127.0.0.1|1234",
            "[::1]:80|::1|80",
            "[fe80::1%lo0]:80|fe80::1%lo0|80",
            "localhost%lo0:80|localhost%lo0|80",
            ":80|''|80",
            "host:|host|''",
            "[]:0|''|0",
            "[::1]:|::1|''",
            "'[::1]:http'|::1|http",
    })
    void splitsAsGoDoes(String hostport, String host, String port) {
        assertThat(GoNet.splitHostPort(hostport)).contains(new HostPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "www.google.com", "127.0.0.1", "[::1]", "[fe80::1%lo0]", "[localhost%lo0]", "localhost%lo0",
            "::1", "fe80::1%lo0", "fe80::1%lo0:80", "[foo:bar]", "[foo:bar]baz", "[foo]bar:baz", "[foo]:[bar]:baz",
            "[foo]:[bar]baz", "foo[bar]:baz", "foo]bar:baz", "[::1]:80:90", "a:b:c"})
    void refusesAsGoDoes(String hostport) {
        assertThat(GoNet.splitHostPort(hostport)).as(hostport).isEmpty();
    }
}
