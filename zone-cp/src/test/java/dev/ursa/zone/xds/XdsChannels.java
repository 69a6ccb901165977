package dev.ursa.zone.xds;

import dev.ursa.testsupport.XdsBootstrap;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.xds.XdsNameResolverProvider;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real grpc-java xDS channels that present a dataplane token the proxyless way (node metadata
 * {@value XdsBootstrap#DATAPLANE_TOKEN}). grpc-java reads the JVM-wide bootstrap once, and each app boot of these tests
 * has its own signing keys; so each channel gets its own bootstrap under a scheme of its own (grpc-xds keeps one xDS
 * client per target), built with grpc-xds's per-resolver bootstrap.
 */
final class XdsChannels {
    private static final AtomicInteger SCHEMES = new AtomicInteger();

    private XdsChannels() {
    }

    /** A channel to {@code xds:///<service>} through the zone at {@code xdsPort}, as node {@code nodeId} with {@code token}. */
    static ManagedChannel channel(int xdsPort, String nodeId, String token, String service) {
        String scheme = "xds-token-" + SCHEMES.incrementAndGet();
        NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme,
                XdsBootstrap.withToken("localhost:" + xdsPort, nodeId, token)));
        return Grpc.newChannelBuilder(scheme + ":///" + service, InsecureChannelCredentials.create()).build();
    }
}
