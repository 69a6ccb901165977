package dev.ursa.sync.stream;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A fingerprint of a set of (delta name, version) pairs: the count and the lane-wise sum of each pair's 128-bit
 * SHA-256 prefix. The sum does not depend on order, so either side computes it straight from a hash map, and a
 * resume compares one short string instead of sending every name and version the receiver holds.
 */
public record VersionDigest(int count, long high, long low) {
    /**
     * The key under which a subscription's {@code initial_resource_versions} carries a digest instead of the versions
     * ({@code #} never occurs in a resource name), and the name a sender removes to say the digest did not match.
     */
    public static final String WIRE_NAME = "#digest";
    public static final VersionDigest EMPTY = new VersionDigest(0, 0, 0);

    public static VersionDigest of(Map<String, String> versions) {
        VersionDigest d = EMPTY;
        for (Map.Entry<String, String> e : versions.entrySet()) d = d.plus(entry(e.getKey(), e.getValue()));
        return d;
    }

    /** The digest of one pair. */
    public static VersionDigest entry(String name, String version) {
        ByteBuffer h = ByteBuffer.wrap(sha256().digest((name + '\0' + version).getBytes(StandardCharsets.UTF_8)));
        return new VersionDigest(1, h.getLong(), h.getLong());
    }

    /** The digest of the union of two disjoint sets. */
    public VersionDigest plus(VersionDigest other) {
        return new VersionDigest(count + other.count, high + other.high, low + other.low);
    }

    /** A sender's answer to a digest it did not recognise: a response removing only {@link #WIRE_NAME}. */
    public static DeltaDiscoveryResponse versionsWanted(String typeUrl, String nonce) {
        return DeltaDiscoveryResponse.newBuilder().setTypeUrl(typeUrl).setNonce(nonce).setSystemVersionInfo(nonce).addRemovedResources(WIRE_NAME).build();
    }

    public static boolean asksForVersions(DeltaDiscoveryResponse response) {
        return response.getResourcesCount() == 0 && response.getRemovedResourcesCount() == 1 && WIRE_NAME.equals(response.getRemovedResources(0));
    }

    /** {@code count:hex}, the form carried on the wire. */
    @Override
    public String toString() {
        return count + ":" + HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    public static Optional<VersionDigest> parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 1 || s.length() - colon - 1 != 32) return Optional.empty();
        try {
            int count = Integer.parseInt(s, 0, colon, 10);
            long high = HexFormat.fromHexDigitsToLong(s, colon + 1, colon + 17);
            long low = HexFormat.fromHexDigitsToLong(s, colon + 17, colon + 33);
            return count < 0 ? Optional.empty() : Optional.of(new VersionDigest(count, high, low));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static MessageDigest sha256() {
        return SHA256.get();
    }
}
