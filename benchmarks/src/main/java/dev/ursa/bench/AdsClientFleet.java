package dev.ursa.bench;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Simulated ADS clients of one xDS server, spread over a few HTTP/2 connections (like many data planes behind a few
 * hosts' NAT would look to the server; thousands of sockets would mostly measure the kernel on a 2-core box).
 */
public final class AdsClientFleet implements AutoCloseable {
    private final List<ManagedChannel> channels;
    private final List<AdsClient> clients;

    private AdsClientFleet(List<ManagedChannel> channels, List<AdsClient> clients) {
        this.channels = channels;
        this.clients = clients;
    }

    /** Opens {@code channelCount} connections to {@code hostPort} and one stream per node id, all at once. */
    public static AdsClientFleet connect(String hostPort, int channelCount, List<String> nodeIds, String service) {
        return connect(hostPort, channelCount, nodeIds, service, null);
    }

    /** As {@link #connect(String, int, List, String)}, every stream presenting {@code dataplaneToken} (null: none). */
    public static AdsClientFleet connect(String hostPort, int channelCount, List<String> nodeIds, String service, String dataplaneToken) {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < Math.max(1, Math.min(channelCount, nodeIds.size())); i++) {
            // Callbacks on the transport's threads: a client's onNext only builds and queues its ACK, and a hop through
            // an executor per response would cost the shared 2 cores more than the client's own work.
            channels.add(Grpc.newChannelBuilder(hostPort, InsecureChannelCredentials.create()).directExecutor().build());
        }
        List<AdsClient> clients = new ArrayList<>(nodeIds.size());
        for (int i = 0; i < nodeIds.size(); i++) clients.add(new AdsClient(nodeIds.get(i), service, channels.get(i % channels.size()), dataplaneToken));
        return new AdsClientFleet(channels, clients);
    }

    public List<AdsClient> clients() {
        return clients;
    }

    public long errors() {
        return clients.stream().filter(c -> c.error() != null).count();
    }

    @Override
    public void close() throws InterruptedException {
        clients.forEach(AdsClient::close);
        for (ManagedChannel ch : channels) ch.shutdownNow();
        for (ManagedChannel ch : channels) ch.awaitTermination(5, TimeUnit.SECONDS);
    }
}
