package dev.ursa.demo;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.xds.XdsChannelCredentials;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxyless grpc-java client: resolves {@code xds:///<service>} through a zone CP's xDS port, as any application in
 * that zone would, and reports which zone answered each call.
 */
public final class DemoClient {
    private static final Pattern ZONE = Pattern.compile(" in (\\S+) \\(instance ");

    private DemoClient() {
    }

    /** A JWT's characters: nothing in it needs escaping in the bootstrap's JSON. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.=-]+");

    /**
     * grpc-xds reads this once per JVM, before the first xds: channel; this process makes only one. A proxyless client
     * cannot set gRPC headers on its xDS stream: it presents its dataplane token as node metadata {@code dataplane.token}.
     */
    static String bootstrap(String xdsAddress, String nodeId, String token) {
        String tokenField = "";
        if (token != null) {
            if (!TOKEN.matcher(token).matches()) throw new IllegalArgumentException("the dataplane token file does not hold a token");
            tokenField = ", \"dataplane.token\": \"" + token + "\"";
        }
        return """
                {"xds_servers": [{"server_uri": "%s", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
                 "node": {"id": "%s", "metadata": {"ursa.io/flavour": "proxyless"%s}}}
                """.formatted(xdsAddress, nodeId, tokenField);
    }

    /** Makes {@code count} calls and returns how many succeeded; {@code token} is a dataplane token of {@code mesh} (null: none). */
    public static int run(String xdsAddress, String mesh, String service, int count, String message, String token, String bootstrapJson) {
        String nodeId = mesh + ".demo-client-" + ProcessHandle.current().pid();
        if (bootstrapJson != null) {
            // ursa-agent's bootstrap: its node, token and certificate files (mesh mTLS)
            System.setProperty("io.grpc.xds.bootstrapConfig", bootstrapJson);
            System.out.printf("calling xds:///%s with the bootstrap of ursa-agent%n", service);
        } else {
            System.setProperty("io.grpc.xds.bootstrapConfig", bootstrap(xdsAddress, nodeId, token));
            System.out.printf("calling xds:///%s through the zone CP at %s (node %s)%n", service, xdsAddress, nodeId);
        }
        // TLS when the zone CP says so (mesh mTLS), plaintext otherwise
        ManagedChannel channel = Grpc.newChannelBuilder("xds:///" + service, XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
        Map<String, Integer> byZone = new TreeMap<>();
        int ok = 0;
        try {
            for (int i = 1; i <= count; i++) {
                long t0 = System.nanoTime();
                try {
                    // the first call waits for the xDS config (LDS, RDS, CDS, EDS): allow it longer
                    CallOptions options = CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(i == 1 ? 15 : 5, TimeUnit.SECONDS);
                    String answer = ClientCalls.blockingUnaryCall(channel, Greeter.SAY_HELLO, options, StringValue.of(message)).getValue();
                    ok++;
                    Matcher m = ZONE.matcher(answer);
                    byZone.merge(m.find() ? m.group(1) : "?", 1, Integer::sum);
                    System.out.printf("%3d: %s  [%d ms]%n", i, answer, (System.nanoTime() - t0) / 1_000_000);
                } catch (StatusRuntimeException e) {
                    System.out.printf("%3d: FAILED %s  [%d ms]%n", i, e.getStatus(), (System.nanoTime() - t0) / 1_000_000);
                }
            }
        } finally {
            channel.shutdownNow();
        }
        StringBuilder zones = new StringBuilder();
        byZone.forEach((zone, n) -> zones.append(zones.isEmpty() ? "" : ", ").append(zone).append(" x").append(n));
        System.out.printf("%d/%d calls ok; answered by: %s%n", ok, count, zones.isEmpty() ? "nobody" : zones);
        return ok;
    }
}
