package dev.ursa.ingress.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Removes, from an h2c client's bytes, the one SETTINGS ACK that answers the ingress's own SETTINGS (sent so the client
 * starts its first request: gRPC clients wait for the server preface). The upstream never sent those SETTINGS, so it
 * must not see their ACK. Walks frame headers from the connection preface until that frame, then steps aside.
 */
final class SettingsAckFilter extends ChannelInboundHandlerAdapter {
    private static final int SETTINGS = 0x4;
    private static final int ACK = 0x1;

    private long passThrough = H2Preamble.PREFACE.length;
    private final ByteBuf header = Unpooled.buffer(9, 9);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (in.isReadable()) {
                if (passThrough > 0) {
                    int n = (int) Math.min(passThrough, in.readableBytes());
                    ctx.fireChannelRead(in.readRetainedSlice(n));
                    passThrough -= n;
                    continue;
                }
                in.readBytes(header, Math.min(header.writableBytes(), in.readableBytes()));
                if (header.isWritable()) return; // the rest of the frame header comes with the next read
                int len = header.getUnsignedMedium(0);
                int type = header.getUnsignedByte(3);
                int flags = header.getUnsignedByte(4);
                if (type == SETTINGS && (flags & ACK) != 0 && len == 0) {
                    header.clear();
                    if (in.isReadable()) ctx.fireChannelRead(in.readRetainedSlice(in.readableBytes()));
                    ctx.pipeline().remove(this);
                    return;
                }
                ctx.fireChannelRead(header.copy());
                header.clear();
                passThrough = len;
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        header.release();
    }
}
