package dev.ursa.zone.kds;

import dev.ursa.zone.ZoneConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.File;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How this zone dials the global ({@code ursa.zone.global-address}): {@code grpcs://} verifies the global's certificate
 * against {@code ursa.zone.kds.ca-file} (or the JVM's CAs; {@code ursa.zone.kds.skip-verify=true} skips the check, for
 * labs), {@code grpc://} is plaintext and only meets a global with {@code ursa.kds.tls.enabled=false}. Also turns a
 * failed dial into the operator's next step (wrong CA, plaintext dial to a TLS global). Immutable.
 */
final class KdsDial {
    private static final Logger LOG = Logger.getLogger(KdsDial.class);
    static final String PLAINTEXT_TO_TLS = "the global speaks TLS: dial grpcs:// with ursa.zone.kds.ca-file";

    private final URI address;
    private final boolean tls;
    private final ZoneConfig.Kds config;

    private KdsDial(URI address, boolean tls, ZoneConfig.Kds config) {
        this.address = address;
        this.tls = tls;
        this.config = config;
    }

    static KdsDial of(String globalAddress, ZoneConfig.Kds config) {
        URI address = URI.create(globalAddress);
        boolean tls = "grpcs".equals(address.getScheme());
        if (!tls && !"grpc".equals(address.getScheme()) || address.getHost() == null || address.getPort() < 0) {
            throw new IllegalArgumentException("ursa.zone.global-address must be grpcs://host:port (or grpc://host:port for a "
                    + "global with ursa.kds.tls.enabled=false), got " + globalAddress);
        }
        return new KdsDial(address, tls, config);
    }

    boolean tls() {
        return tls;
    }

    URI address() {
        return address;
    }

    ManagedChannel channel() throws SSLException {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.getHost(), address.getPort())
                .keepAliveTime(config.keepaliveTime().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(config.keepaliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .maxInboundMessageSize(4 * 1024 * 1024 + 64 * 1024);
        if (!tls) {
            LOG.warnf("KDS to %s is plaintext (grpc://): the zone token travels in clear; this only works with a global that has "
                    + "ursa.kds.tls.enabled=false (lab networks). Dial grpcs:// with ursa.zone.kds.ca-file instead.", address);
            return builder.usePlaintext().build();
        }
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (config.skipVerify()) {
            LOG.warnf("ursa.zone.kds.skip-verify=true: the certificate of the global at %s is NOT verified; anyone on the path "
                    + "can impersonate it and read the zone token. Lab networks only.", address);
            ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            config.caFile().ifPresent(ca -> ssl.trustManager(new File(ca)));
        }
        return builder.sslContext(ssl.build()).useTransportSecurity().build();
    }

    /** For the start log line. */
    String describe() {
        if (!tls) return "plaintext";
        if (config.skipVerify()) return "TLS, certificate NOT verified (ursa.zone.kds.skip-verify)";
        return config.caFile().map(ca -> "TLS, verified with " + ca).orElse("TLS, verified with the JVM's trusted CAs");
    }

    /**
     * The operator's next step for a failed dial, when the failure says it: the global's certificate is not trusted, or
     * (when {@code speaksTls} probes true) a plaintext dial reached a TLS global.
     */
    Optional<String> hint(Status status, TlsProbe speaksTls) {
        if (tls && causedBy(status.getCause(), SSLHandshakeException.class)) {
            return Optional.of("the global's KDS certificate is not trusted: check ursa.zone.kds.ca-file (the global serves its CA "
                    + "at GET /kds/ca.pem)");
        }
        if (!tls && status.getCode() == Status.Code.UNAVAILABLE && speaksTls.test(address.getHost(), address.getPort())) {
            return Optional.of(PLAINTEXT_TO_TLS + " (grpcs://" + address.getHost() + ":" + address.getPort()
                    + "; the global serves its CA at GET /kds/ca.pem)");
        }
        return Optional.empty();
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }
}
