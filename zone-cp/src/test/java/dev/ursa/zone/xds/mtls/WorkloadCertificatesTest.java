package dev.ursa.zone.xds.mtls;

import dev.ursa.cp.pki.MeshCa;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.zone.xds.view.MeshInputs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Issuing, renewal and CA switches of workload certificates, on a fake clock; and how a mesh's trust is read. */
class WorkloadCertificatesTest {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    private static final List<String> WEB = List.of("spiffe://default/web", "kuma://kuma.io/service/web");
    private static final MeshCa CA1 = MeshCa.generate("default", 2048, Duration.ofDays(365), T0.minusSeconds(3600));
    private static final MeshCa CA2 = MeshCa.generate("default", 2048, Duration.ofDays(365), T0.minusSeconds(3600));

    private final MutableClock clock = new MutableClock(T0);
    private final IssuerSwitches switches = new IssuerSwitches(Duration.ofSeconds(15));
    private final WorkloadCertificates certs = new WorkloadCertificates(clock, 0.8, switches, new SimpleMeterRegistry());

    @Test
    void aCertificateIsKeptUntilItsRenewalPointBetween60And80PercentOfItsLifetime() {
        MeshTrust trust = trust(Map.of("ca-1", CA1), "ca-1", "10h");
        WorkloadCertificate first = certs.current(null, WEB, trust);
        assertThat(first.notAfter()).isEqualTo(T0.plus(Duration.ofHours(10)));
        assertThat(first.renewAt()).isBetween(T0.plus(Duration.ofHours(6)), T0.plus(Duration.ofHours(8)));
        assertThat(certs.nextCheck(first, trust)).isEqualTo(first.renewAt());
        clock.now = first.renewAt().minusSeconds(1);
        assertThat(certs.current(first, WEB, trust)).isSameAs(first);
        clock.now = first.renewAt();
        WorkloadCertificate renewed = certs.current(first, WEB, trust);
        assertThat(renewed).isNotSameAs(first);
        assertThat(renewed.notAfter()).isEqualTo(first.renewAt().plus(Duration.ofHours(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)); // X.509 times are in seconds
    }

    @Test
    void renewalPointsOfCertificatesIssuedTogetherAreSpread() {
        MeshTrust trust = trust(Map.of("ca-1", CA1), "ca-1", "10h");
        long distinctMinutes = java.util.stream.IntStream.range(0, 200).mapToObj(i -> certs.current(null, WEB, trust).renewAt())
                .map(t -> t.getEpochSecond() / 60).distinct().count();
        assertThat(distinctMinutes).as("renewal minutes of 200 certificates over a 2 h window").isGreaterThan(60);
    }

    @Test
    void aNewIdentityGetsANewCertificateAtOnce() {
        MeshTrust trust = trust(Map.of("ca-1", CA1), "ca-1", "10h");
        WorkloadCertificate first = certs.current(null, WEB, trust);
        WorkloadCertificate other = certs.current(first, List.of("spiffe://default/api"), trust);
        assertThat(other.uris()).containsExactly("spiffe://default/api");
    }

    @Test
    void afterACaSwitchCertificatesOfTheOldCaAreKeptUntilTheNewOneIsTrustedEverywhere() {
        MeshTrust before = trust(Map.of("ca-1", CA1), "ca-1", "10h");
        WorkloadCertificate old = certs.current(null, WEB, before);
        clock.now = T0.plusSeconds(60);
        MeshTrust after = trust(Map.of("ca-1", CA1, "ca-2", CA2), "ca-2", "10h");
        assertThat(after.trusted()).containsExactlyInAnyOrder(CA1.certificate(), CA2.certificate());
        assertThat(certs.current(old, WEB, after)).as("within the trust propagation").isSameAs(old);
        assertThat(certs.nextCheck(old, after)).isEqualTo(T0.plusSeconds(75));
        clock.now = T0.plusSeconds(75);
        WorkloadCertificate switched = certs.current(old, WEB, after);
        assertThat(switched.issuerId()).isEqualTo(after.issuerId()).isNotEqualTo(old.issuerId());
        // A node that connects during the wait gets the new CA's certificate: nobody trusts less than both yet.
        assertThat(certs.current(null, WEB, after).issuerId()).isEqualTo(after.issuerId());
    }

    @Test
    void sidecarsAndWorkloadsHoldingTheirOwnKeysSwitchCaAtTheSameMoment() {
        MeshTrust before = trust(Map.of("ca-1", CA1), "ca-1", "10h");
        WorkloadCertificate old = certs.current(null, WEB, before);
        assertThat(switches.issuer(before, T0).id()).isEqualTo(before.issuerId());
        clock.now = T0.plusSeconds(60);
        MeshTrust after = trust(Map.of("ca-1", CA1, "ca-2", CA2), "ca-2", "10h");
        assertThat(certs.current(old, WEB, after)).isSameAs(old); // the sidecar side sees the switch first
        clock.now = T0.plusSeconds(74);
        assertThat(switches.issuer(after, clock.now).id()).as("the CSR signer still signs with the old CA").isEqualTo(before.issuerId());
        assertThat(certs.current(old, WEB, after)).isSameAs(old);
        clock.now = T0.plusSeconds(75);
        assertThat(switches.issuer(after, clock.now).id()).isEqualTo(after.issuerId());
        assertThat(certs.current(old, WEB, after).issuerId()).isEqualTo(after.issuerId());
    }

    @Test
    void aCertificateOfACaNoLongerTrustedIsReplacedAtOnce() {
        WorkloadCertificate old = certs.current(null, WEB, trust(Map.of("ca-1", CA1), "ca-1", "10h"));
        MeshTrust onlyNew = trust(Map.of("ca-2", CA2), "ca-2", "10h");
        assertThat(certs.current(old, WEB, onlyNew).issuerId()).isEqualTo(onlyNew.issuerId());
    }

    @Test
    void aMeshWhoseCaSecretsHaveNotArrivedIsUnavailableWithTheReason() {
        MeshInputs inputs = inputs(Map.of(), "ca-1", "10h");
        assertThat(MeshTrust.of(inputs)).isInstanceOfSatisfying(MeshTrust.Unavailable.class,
                u -> assertThat(u.reason()).contains("ca-1", "default.ca-builtin-cert-ca-1", "not in this zone yet"));
        assertThat(MeshTrust.of(new MeshInputs("default", Optional.of(parse("type: Mesh\nname: default\n")), Map.of(), Map.of())))
                .isInstanceOf(MeshTrust.Off.class);
    }

    @Test
    void aProvidedCaIsReadFromItsInlineDataSources() {
        String mesh = """
                type: Mesh
                name: default
                mtls:
                  enabledBackend: corp
                  backends:
                    - name: corp
                      type: provided
                      conf:
                        cert: {inlineString: "%s"}
                        key: {inline: %s}
                """.formatted(CA1.certificatePem().replace("\n", "\\n"), Base64.getEncoder().encodeToString(CA1.keyPem().getBytes(StandardCharsets.US_ASCII)));
        MeshTrust.State state = MeshTrust.of(new MeshInputs("default", Optional.of(parse(mesh)), Map.of(), Map.of()));
        assertThat(state).isInstanceOfSatisfying(MeshTrust.Ready.class, r -> assertThat(r.trust().trusted()).containsExactly(CA1.certificate()));
    }

    private static MeshTrust trust(Map<String, MeshCa> cas, String enabled, String expiration) {
        return ((MeshTrust.Ready) MeshTrust.of(inputs(cas, enabled, expiration))).trust();
    }

    private static MeshInputs inputs(Map<String, MeshCa> cas, String enabled, String expiration) {
        Map<String, Resource> secrets = new HashMap<>();
        cas.forEach((backend, ca) -> {
            secrets.put("default.ca-builtin-cert-" + backend, secret("default.ca-builtin-cert-" + backend, ca.certificatePem()));
            secrets.put("default.ca-builtin-key-" + backend, secret("default.ca-builtin-key-" + backend, ca.keyPem()));
        });
        Resource mesh = parse("""
                type: Mesh
                name: default
                mtls:
                  enabledBackend: %s
                  backends:
                    - name: %s
                      type: builtin
                      dpCert: {rotation: {expiration: %s}}
                """.formatted(enabled, enabled, expiration));
        return new MeshInputs("default", Optional.of(mesh), Map.of(), Map.of(), List.of(), secrets);
    }

    private static Resource secret(String name, String pem) {
        return parse("type: Secret\nmesh: default\nname: " + name + "\ndata: " + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Resource parse(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
