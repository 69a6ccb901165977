package dev.ursa.bench;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Bookkeeping of one sustained-churn phase of {@link FederationBenchmark}: changes are written at a fixed rate without
 * waiting for ACKs, so a zone may coalesce several into one push and a client may never see some of them. Change
 * {@code k} sets the MeshTimeout's {@code requestTimeout} to {@code base + k} seconds, which a proxyless client's route
 * config carries as {@code max_stream_duration}; each new route config a client ACKs is decoded (once per distinct
 * version) to the newest change it holds. A client's ACK of change {@code k} also completes every earlier change it had
 * not yet ACKed: change -> ACK for (change j, client) = time of the first ACK holding a change >= j, minus the time
 * change j's PUT was sent.
 */
final class ChurnRecorder {
    private final long base;
    private final int capacity;
    private final int clientCount;
    private final AtomicLongArray putNanos;
    /** [change * clients + client]: nanoseconds from the change's PUT to the client's ACK; 0 = not yet. */
    private final long[] latency;
    /** Per client: the newest change it has ACKed, -1 for none. Written after {@link #latency}, read before it. */
    private final AtomicIntegerArray newest;
    private final ConcurrentHashMap<String, Integer> changeOfVersion = new ConcurrentHashMap<>();

    ChurnRecorder(long base, int capacity, List<AdsClient> clients) {
        this.base = base;
        this.capacity = capacity;
        this.clientCount = clients.size();
        this.putNanos = new AtomicLongArray(capacity);
        this.latency = new long[Math.multiplyExact(capacity, clientCount)];
        this.newest = new AtomicIntegerArray(clientCount);
        for (int c = 0; c < clientCount; c++) {
            newest.set(c, -1);
            int client = c;
            clients.get(c).onNewRoutes((rds, ackNanos) -> acked(client, rds, ackNanos));
        }
    }

    /** The {@code requestTimeout} (seconds) change {@code k} writes. */
    long timeoutSeconds(int k) {
        return base + k;
    }

    /** Call just before sending change {@code k}'s PUT. */
    void sending(int k, long nanos) {
        putNanos.set(k, nanos);
    }

    private void acked(int client, DiscoveryResponse rds, long ackNanos) {
        int k = changeOfVersion.computeIfAbsent(rds.getVersionInfo(), v -> changeIn(rds));
        int before = newest.get(client);
        if (k <= before || k >= capacity) return;
        for (int j = before + 1; j <= k; j++) latency[j * clientCount + client] = ackNanos - putNanos.get(j);
        newest.set(client, k);
    }

    /** The change a route config holds: its max_stream_duration seconds minus {@link #base}; -1 when none of this phase. */
    private int changeIn(DiscoveryResponse rds) {
        for (Any any : rds.getResourcesList()) {
            try {
                RouteConfiguration rc = RouteConfiguration.parseFrom(any.getValue());
                for (VirtualHost vh : rc.getVirtualHostsList()) {
                    for (Route r : vh.getRoutesList()) {
                        if (!r.hasRoute() || !r.getRoute().hasMaxStreamDuration()) continue;
                        long k = r.getRoute().getMaxStreamDuration().getMaxStreamDuration().getSeconds() - base;
                        if (k >= 0 && k < capacity) return (int) k;
                    }
                }
            } catch (InvalidProtocolBufferException e) {
                // not a route config: holds no change
            }
        }
        return -1;
    }

    /** The oldest change some client has not ACKed yet, i.e. the lowest "newest change" over clients. */
    int minNewest() {
        int min = Integer.MAX_VALUE;
        for (int c = 0; c < clientCount; c++) min = Math.min(min, newest.get(c));
        return min;
    }

    /** (change, client) pairs up to change {@code last} not ACKed yet. */
    long pending(int last) {
        long sum = 0;
        for (int c = 0; c < clientCount; c++) sum += Math.max(0, last - newest.get(c));
        return sum;
    }

    long clientsBehind(int last) {
        long n = 0;
        for (int c = 0; c < clientCount; c++) if (newest.get(c) < last) n++;
        return n;
    }

    /** The change -> ACK samples of changes {@code 0..last}, every client that has ACKed them. */
    long[] samples(int last) {
        int[] seen = new int[clientCount];
        for (int c = 0; c < clientCount; c++) seen[c] = newest.get(c); // acquire: the latencies written before are visible
        long n = 0;
        for (int c = 0; c < clientCount; c++) n += Math.min(seen[c], last) + 1;
        long[] out = new long[Math.toIntExact(n)];
        int i = 0;
        for (int j = 0; j <= last; j++) {
            for (int c = 0; c < clientCount; c++) if (seen[c] >= j) out[i++] = latency[j * clientCount + c];
        }
        return out;
    }

    /** Stops listening. */
    static void detach(List<AdsClient> clients) {
        for (AdsClient c : clients) c.onNewRoutes(null);
    }
}
