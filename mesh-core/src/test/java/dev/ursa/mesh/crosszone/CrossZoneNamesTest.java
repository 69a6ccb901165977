package dev.ursa.mesh.crosszone;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;

import static org.assertj.core.api.Assertions.assertThat;

class CrossZoneNamesTest {
    @Test
    void sniIsAValidHostNameEvenForKumaStyleServiceNames() {
        String sni = CrossZoneNames.sni("default", "backend_kuma-demo_svc_8080");
        assertThat(sni).startsWith("backend-kuma-demo-svc-8080.default.").endsWith(".ursa");
        new SNIHostName(sni); // throws if Java's TLS client could not send it
    }

    @Test
    void distinctPairsGetDistinctNamesAndEqualPairsEqualOnes() {
        assertThat(CrossZoneNames.sni("m", "a_b")).isNotEqualTo(CrossZoneNames.sni("m", "a-b"));
        assertThat(CrossZoneNames.sni("m1", "svc")).isNotEqualTo(CrossZoneNames.sni("m2", "svc"));
        assertThat(CrossZoneNames.sni("m", "svc")).isEqualTo(CrossZoneNames.sni("m", "svc"));
    }
}
