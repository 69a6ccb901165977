package dev.ursa.ingress.proxy;

import dev.ursa.ingress.route.Route;
import dev.ursa.ingress.route.RoutingTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decides from a connection's first bytes what it is, without consuming them: a TLS record (handed to
 * {@link SniRouter}), a prior-knowledge h2c preface (routed by the first request's {@code :authority}), an HTTP/1
 * request (400) or anything else (closed). At most {@code maxPreambleBytes} are buffered.
 */
final class Sniffer extends ByteToMessageDecoder {
    private static final byte TLS_HANDSHAKE = 0x16;
    private static final ByteBuf HTTP1_REFUSAL = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 60\r\nConnection: close\r\n\r\n"
                    + "ursa ingress: use TLS with SNI or HTTP/2 (h2c prior knowledge)", StandardCharsets.US_ASCII));

    private final Supplier<RoutingTable> table;
    private final ProxySettings settings;
    private final ProxyMetrics metrics;
    private boolean settingsSent;

    Sniffer(Supplier<RoutingTable> table, ProxySettings settings, ProxyMetrics metrics) {
        this.table = table;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int r = in.readerIndex();
        int n = in.readableBytes();
        if (n == 0) return;
        if (in.getByte(r) == TLS_HANDSHAKE) {
            ctx.pipeline().replace(this, "sni", new SniRouter(table, settings, metrics));
            return;
        }
        int prefix = Math.min(n, H2Preamble.PREFACE.length);
        boolean h2 = true;
        for (int i = 0; i < prefix && h2; i++) h2 = in.getByte(r + i) == H2Preamble.PREFACE[i];
        if (h2) {
            if (n < H2Preamble.PREFACE.length) return;
            if (!settingsSent) {
                // gRPC clients send their first request only after the server preface: ours is empty SETTINGS
                // (defaults); the upstream's own SETTINGS follow once spliced, and the client's ACK of ours is
                // filtered out (SettingsAckFilter).
                settingsSent = true;
                ctx.writeAndFlush(H2Preamble.emptySettings());
            }
            switch (H2Preamble.scan(in, r + H2Preamble.PREFACE.length)) {
                case H2Preamble.NeedMore m -> {
                    if (n > settings.maxPreambleBytes()) refuse(ctx, "too_large", H2Preamble.protocolError("first request too large"));
                }
                case H2Preamble.Invalid bad -> refuse(ctx, "h2_protocol", H2Preamble.protocolError(bad.why()));
                case H2Preamble.Found found -> {
                    String authority = found.authority();
                    Route route = table.get().authority(authority);
                    if (route == null) {
                        refuse(ctx, "unknown_authority", H2Preamble.refusal(found, "ursa ingress: no service for authority \"" + authority + "\""));
                    } else {
                        ctx.pipeline().addBefore("splice", "h2-settings-ack", new SettingsAckFilter());
                        ctx.pipeline().get(Splice.class).start(route);
                        ctx.pipeline().remove(this); // hands the buffered bytes on, unchanged
                    }
                }
            }
            return;
        }
        Http1 verdict = http1(in, r, n);
        if (verdict == Http1.MAYBE) {
            if (n > 16) refuse(ctx, "garbage", null);
            return;
        }
        if (verdict == Http1.YES) refuse(ctx, "http1", HTTP1_REFUSAL.duplicate());
        else refuse(ctx, "garbage", null);
    }

    private enum Http1 { YES, NO, MAYBE }

    /** A request line starts with an upper-case method token and a space. */
    private static Http1 http1(ByteBuf in, int r, int n) {
        for (int i = 0; i < Math.min(n, 16); i++) {
            byte b = in.getByte(r + i);
            if (b == ' ') return i > 0 ? Http1.YES : Http1.NO;
            if (b < 'A' || b > 'Z') return Http1.NO;
        }
        return n >= 16 ? Http1.NO : Http1.MAYBE;
    }

    private void refuse(ChannelHandlerContext ctx, String reason, ByteBuf answer) {
        metrics.refused(reason);
        ctx.pipeline().get(Splice.class).refused();
        Refusal.refuse(ctx, answer);
        ctx.pipeline().remove(this);
    }
}
