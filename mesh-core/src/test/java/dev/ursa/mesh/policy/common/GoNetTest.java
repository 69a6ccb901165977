package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.policy.common.GoNet.HostPort;
import org.junit.jupiter.api.Test;
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

    /** Go's net.ParseIP: what it reads (IPv4-mapped come back as IPv4, as Go's To4 sees them). */
    @ParameterizedTest
    @ValueSource(strings = {"192.168.1.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fd00::1", "2001:DB8::1",
            "::ffff:10.0.0.1", "::ffff:c0a8:1", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:8", "1::", "::0001:2"})
    void parsesIpsAsGoDoes(String s) {
        assertThat(GoNet.parseIp(s)).as(s).isPresent();
    }

    /** What Go's net.ParseIP refuses, though Java's InetAddress would take some of them (zones, 5 hex digits, 010). */
    @ParameterizedTest
    @ValueSource(strings = {"", "256.1.1.1", "01.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.4 ", "example.com", "1:2",
            "1:2:3:4:5:6:7:8:9", "fe80::1%1", "fe80::1%eth0", "::00001", "::ffff:010.1.1.1", "::ffff:1.2.3.256", "[::1]",
            ":::", "::g", "1.2.3.4:80", "::1.2.3"})
    void refusesWhatGoRefuses(String s) {
        assertThat(GoNet.parseIp(s)).as(s).isEmpty();
    }

    @Test
    void ipv4MappedAddressesAreIpv4() {
        assertThat(GoNet.parseIp("::ffff:127.0.0.1")).get().extracting(a -> a.getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(GoNet.parseIp("::")).get().satisfies(a -> assertThat(a.isAnyLocalAddress()).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4/24", "0.0.0.0/0", "fd00::/64", "::/0", "::ffff:10.0.0.0/104", "1.2.3.4/024", "10.0.0.0/0000008"})
    void cidrs(String s) {
        assertThat(GoNet.isCidr(s)).as(s).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4", "1.2.3.4/33", "1.2.3.4/+8", "fd00::/129", "1.2.3.4/99999999999", "fe80::1%1/64", "a.b/8", "/8", "1.2.3.4/"})
    void notCidrs(String s) {
        assertThat(GoNet.isCidr(s)).as(s).isFalse();
    }
}
