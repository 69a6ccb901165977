package dev.ursa.ingress.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Ends a connection that cannot be routed: writes a last answer (TLS alert, h2 response + GOAWAY, HTTP/1 400), then
 * closes our side for writing and discards what the client still sends for a moment. Closing at once with unread
 * client bytes makes the kernel send a reset, which can destroy the answer before the client reads it.
 */
final class Refusal {
    private static final long LINGER_MS = 1000;

    private Refusal() {
    }

    static void refuse(ChannelHandlerContext ctx, ByteBuf answer) {
        var ch = ctx.channel();
        ch.pipeline().addFirst("discard", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        ch.config().setAutoRead(true);
        if (answer == null) {
            ch.close();
            return;
        }
        ch.writeAndFlush(answer).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !(ch instanceof SocketChannel sc)) {
                ch.close();
                return;
            }
            sc.shutdownOutput().addListener(x -> ch.eventLoop().schedule(() -> ch.close(), LINGER_MS, TimeUnit.MILLISECONDS));
        });
    }
}
