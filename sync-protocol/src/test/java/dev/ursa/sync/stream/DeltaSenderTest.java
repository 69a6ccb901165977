package dev.ursa.sync.stream;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.sync.Fixtures;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.VersionedResource;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DeltaSenderTest {
    static final String TIMEOUTS = KdsTypes.typeUrl(ResourceTypes.MESH_TIMEOUT);

    final Fixtures.MutableClock clock = new Fixtures.MutableClock();
    final DeltaSender sender = new DeltaSender(clock, 1024 * 1024, t -> t.startsWith(KdsTypes.TYPE_URL_PREFIX));
    final Map<String, VersionedResource> desired = new HashMap<>();

    VersionedResource put(String name, String idle) {
        VersionedResource v = VersionedResource.of(Fixtures.timeout("default", name, idle));
        desired.put(v.name(), v);
        return v;
    }

    DeltaDiscoveryRequest subscribe(Map<String, String> initial) {
        return DeltaDiscoveryRequest.newBuilder().setTypeUrl(TIMEOUTS).putAllInitialResourceVersions(initial).build();
    }

    static DeltaDiscoveryRequest ack(DeltaDiscoveryResponse r) {
        return DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()).build();
    }

    static DeltaDiscoveryRequest nack(DeltaDiscoveryResponse r, Map<String, String> rejected) {
        Status.Builder status = Status.newBuilder().setCode(3).setMessage("bad");
        if (!rejected.isEmpty()) status.addDetails(Any.pack(ErrorInfo.newBuilder().putAllMetadata(rejected).build()));
        return DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()).setErrorDetail(status).build();
    }

    List<DeltaDiscoveryResponse> full() {
        return sender.diff(TIMEOUTS, desired, v -> true, null, clock.instant(), false);
    }

    static List<String> names(DeltaDiscoveryResponse r) {
        return r.getResourcesList().stream().map(Resource::getName).toList();
    }

    @Test
    void resumeSendsOnlyTheDifference() {
        VersionedResource same = put("same", "10s");
        VersionedResource changed = put("changed", "20s");
        put("added", "30s");
        Map<String, String> peerHas = Map.of(same.name(), same.version(), changed.name(), "old-version", "default/gone", "v-gone");

        assertThat(sender.onRequest(subscribe(peerHas))).isInstanceOf(DeltaSender.Subscribed.class);
        List<DeltaDiscoveryResponse> out = full();

        assertThat(out).hasSize(1);
        assertThat(names(out.getFirst())).containsExactly("default/added", "default/changed");
        assertThat(out.getFirst().getRemovedResourcesList()).containsExactly("default/gone");
    }

    @Test
    void unchangedResumeSendsNothingUnlessAskedForAnInSyncMarker() {
        VersionedResource a = put("a", "10s");
        sender.onRequest(subscribe(Map.of(a.name(), a.version())));
        assertThat(full()).isEmpty();
        List<DeltaDiscoveryResponse> marker = sender.diff(TIMEOUTS, desired, v -> true, null, clock.instant(), true);
        assertThat(marker).hasSize(1);
        assertThat(marker.getFirst().getResourcesCount()).isZero();
        assertThat(marker.getFirst().getRemovedResourcesCount()).isZero();
    }

    @Test
    void nothingIsResentWhileAResponseIsInFlightAndAckRecordsLatency() {
        put("a", "10s");
        sender.onRequest(subscribe(Map.of()));
        var first = full();
        assertThat(first).hasSize(1);
        assertThat(full()).isEmpty();
        clock.advance(Duration.ofMillis(40));
        var outcome = sender.onRequest(ack(first.getFirst()));
        assertThat(outcome).isInstanceOfSatisfying(DeltaSender.Acked.class, a -> {
            assertThat(a.latency()).isEqualTo(Duration.ofMillis(40));
            assertThat(a.resources()).isEqualTo(1);
        });
        assertThat(sender.acked(TIMEOUTS)).containsKey("default/a");
        assertThat(sender.inFlight()).isZero();
    }

    @Test
    void nackedVersionIsRecordedAndNotResentButOthersFlowAndANewVersionIsSent() {
        put("good", "10s");
        put("bad", "20s");
        sender.onRequest(subscribe(Map.of()));
        var first = full().getFirst();

        var outcome = sender.onRequest(nack(first, Map.of("default/bad", "zone cannot apply")));
        assertThat(outcome).isInstanceOfSatisfying(DeltaSender.Nacked.class, n ->
                assertThat(n.rejected()).containsOnlyKeys("default/bad"));
        assertThat(sender.acked(TIMEOUTS)).containsOnlyKeys("default/good");

        // The same version is never sent again, however often the type is diffed.
        assertThat(full()).isEmpty();
        assertThat(sender.diff(TIMEOUTS, desired, v -> true, Set.of("default/bad"), clock.instant(), false)).isEmpty();

        // Other resources keep flowing.
        put("other", "30s");
        assertThat(names(full().getFirst())).containsExactly("default/other");

        // A new version of the rejected resource is sent.
        put("bad", "25s");
        assertThat(names(full().getFirst())).containsExactly("default/bad");
    }

    @Test
    void nackWithoutDetailsRejectsTheWholeResponse() {
        put("a", "10s");
        put("b", "20s");
        sender.onRequest(subscribe(Map.of()));
        var first = full().getFirst();
        sender.onRequest(nack(first, Map.of()));
        assertThat(sender.acked(TIMEOUTS)).isEmpty();
        assertThat(full()).isEmpty();
    }

    @Test
    void newerVersionBeforeAckIsSentAndAStaleNackDoesNotRevertIt() {
        put("a", "10s");
        sender.onRequest(subscribe(Map.of()));
        var first = full().getFirst();
        VersionedResource v2 = put("a", "11s");
        var second = full().getFirst();
        assertThat(names(second)).containsExactly("default/a");
        sender.onRequest(nack(first, Map.of("default/a", "bad")));
        // v2 is still expected at the peer: nothing to resend
        assertThat(full()).isEmpty();
        sender.onRequest(ack(second));
        assertThat(sender.acked(TIMEOUTS)).containsEntry("default/a", v2.version());
    }

    @Test
    void splitsLargeResponsesWithRemovalsInTheLastOne() {
        DeltaSender small = new DeltaSender(clock, 2_000, t -> true);
        for (int i = 0; i < 50; i++) put("t" + i, "10s");
        small.onRequest(subscribe(Map.of("default/old", "x")));
        var out = small.diff(TIMEOUTS, desired, v -> true, null, clock.instant(), false);
        assertThat(out.size()).isGreaterThan(5);
        assertThat(out).allSatisfy(r -> assertThat(r.getSerializedSize()).isLessThan(2_500));
        assertThat(out.stream().mapToInt(DeltaDiscoveryResponse::getResourcesCount).sum()).isEqualTo(50);
        assertThat(out.getLast().getRemovedResourcesList()).containsExactly("default/old");
        assertThat(out.subList(0, out.size() - 1)).allSatisfy(r -> assertThat(r.getRemovedResourcesCount()).isZero());
        assertThat(out.stream().map(DeltaDiscoveryResponse::getNonce).distinct()).hasSize(out.size());
    }

    @Test
    void unknownTypesAndNoncesAreIgnored() {
        DeltaSender strict = new DeltaSender(clock, 1024, t -> t.equals(TIMEOUTS));
        var unknown = DeltaDiscoveryRequest.newBuilder().setTypeUrl("type.ursa.dev/kds.v1.MeshFuture").build();
        assertThat(strict.onRequest(unknown)).isInstanceOf(DeltaSender.Ignored.class);
        strict.onRequest(subscribe(Map.of()));
        var stale = DeltaDiscoveryRequest.newBuilder().setTypeUrl(TIMEOUTS).setResponseNonce("999").build();
        assertThat(strict.onRequest(stale)).isInstanceOf(DeltaSender.Ignored.class);
    }

    @Test
    void includeFilterHoldsBackAndRemovesWhatThePeerMayNotHave() {
        VersionedResource a = put("a", "10s");
        sender.onRequest(subscribe(Map.of(a.name(), a.version())));
        var out = sender.diff(TIMEOUTS, desired, v -> false, null, clock.instant(), false);
        assertThat(out.getFirst().getRemovedResourcesList()).containsExactly("default/a");
    }

    DeltaDiscoveryRequest subscribeWithDigest(Map<String, String> peerHas) {
        return subscribe(Map.of(VersionDigest.WIRE_NAME, VersionDigest.of(peerHas).toString()));
    }

    @Test
    void matchingDigestResumesWithNothingSentAndTheVersionsAdopted() {
        VersionedResource a = put("a", "10s");
        VersionedResource b = put("b", "20s");
        Map<String, String> peerHas = Map.of(a.name(), a.version(), b.name(), b.version());
        assertThat(sender.onRequest(subscribeWithDigest(peerHas)))
                .isInstanceOfSatisfying(DeltaSender.Subscribed.class, s -> assertThat(s.peerHas()).isEqualTo(2));

        assertThat(full()).isEmpty();
        assertThat(sender.acked(TIMEOUTS)).isEqualTo(peerHas);
        // Later changes flow as differences against the adopted versions.
        put("b", "21s");
        assertThat(names(full().getFirst())).containsExactly("default/b");
    }

    @Test
    void digestOfWhatThePeerMayNotHaveDoesNotMatch() {
        VersionedResource a = put("a", "10s");
        VersionedResource b = put("b", "20s");
        sender.onRequest(subscribeWithDigest(Map.of(a.name(), a.version(), b.name(), b.version())));
        var out = sender.diff(TIMEOUTS, desired, v -> !v.name().equals(b.name()), null, clock.instant(), false);
        assertThat(out).singleElement().satisfies(r -> assertThat(VersionDigest.asksForVersions(r)).isTrue());
    }

    @Test
    void differentDigestAsksForEveryVersionThenSendsOnlyTheDifference() {
        VersionedResource same = put("same", "10s");
        put("changed", "20s");
        Map<String, String> peerHas = Map.of(same.name(), same.version(), "default/changed", "old", "default/gone", "v-gone");
        sender.onRequest(subscribeWithDigest(peerHas));

        var marker = full();
        assertThat(marker).singleElement().satisfies(r -> {
            assertThat(VersionDigest.asksForVersions(r)).isTrue();
            assertThat(r.getNonce()).isNotEmpty();
        });
        assertThat(sender.inFlight()).isZero();
        // Nothing else goes out for the type until the peer subscribes again, whatever changes meanwhile.
        put("added", "30s");
        assertThat(full()).isEmpty();
        assertThat(sender.diff(TIMEOUTS, desired, v -> true, Set.of("default/added"), clock.instant(), true)).isEmpty();

        sender.onRequest(subscribe(peerHas));
        var out = full();
        assertThat(names(out.getFirst())).containsExactly("default/added", "default/changed");
        assertThat(out.getFirst().getRemovedResourcesList()).containsExactly("default/gone");
    }

    @Test
    void unreadableDigestAsksForEveryVersion() {
        put("a", "10s");
        sender.onRequest(subscribe(Map.of(VersionDigest.WIRE_NAME, "not a digest")));
        assertThat(full()).singleElement().satisfies(r -> assertThat(VersionDigest.asksForVersions(r)).isTrue());
    }
}
