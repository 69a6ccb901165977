package dev.ursa.it;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.xds.XdsNameResolverProvider;

import java.util.Map;

/** grpc-xds channels of several clients in one JVM (grpc-xds otherwise reads one bootstrap per JVM). */
public final class XdsChannels {
    private XdsChannels() {
    }

    /**
     * A plaintext channel to {@code scheme:///service} whose resolver has {@code bootstrap}, hence its own xDS client and
     * node id: a new client, with its own ADS stream. Use each scheme once per JVM.
     */
    public static ManagedChannel of(String scheme, Map<String, ?> bootstrap, String service) {
        NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, bootstrap));
        return Grpc.newChannelBuilder(scheme + ":///" + service, InsecureChannelCredentials.create()).build();
    }
}
