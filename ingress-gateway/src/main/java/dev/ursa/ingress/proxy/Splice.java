package dev.ursa.ingress.proxy;

import dev.ursa.ingress.route.Balancer;
import dev.ursa.ingress.route.Route;
import dev.ursa.ingress.route.Upstream;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a client connection: once a route is known, connects to one of its upstreams (next one on a
 * connect failure, ejecting the failed one) and relays bytes both ways unchanged. Backpressure: a side whose peer
 * cannot take more bytes stops reading until the peer drains. Both sides run on the client channel's event loop.
 */
final class Splice extends ChannelInboundHandlerAdapter {
    private enum State { WAITING, CONNECTING, RELAYING, CLOSED }

    private final ProxySettings settings;
    private final Balancer balancer;
    private final ProxyMetrics metrics;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private State state = State.WAITING;
    private Channel client;
    private Channel upstream;
    private ProxyMetrics.ServiceMeters meters;
    private ScheduledFuture<?> routingDeadline;

    Splice(ProxySettings settings, Balancer balancer, ProxyMetrics metrics) {
        this.settings = settings;
        this.balancer = balancer;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        metrics.opened();
        routingDeadline = ctx.executor().schedule(() -> {
            if (state == State.WAITING) {
                metrics.refused("timeout");
                close();
            }
        }, settings.routingTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    /** Called by the sniffer (or SNI router) on the event loop once the connection named a known service. */
    void start(Route route) {
        if (state != State.WAITING) return;
        state = State.CONNECTING;
        routingDeadline.cancel(false);
        client.config().setAutoRead(false);
        meters = metrics.service(route.mesh(), route.service());
        meters.connections().increment();
        connect(balancer.candidates(route), 0);
    }

    /** Called when the connection was refused before routing: nothing is relayed. */
    void refused() {
        state = State.CLOSED;
        if (routingDeadline != null) routingDeadline.cancel(false);
    }

    private void connect(List<Upstream> candidates, int i) {
        if (state != State.CONNECTING) return;
        if (i >= candidates.size()) {
            metrics.refused(candidates.isEmpty() ? "no_endpoints" : "upstreams_unreachable");
            close();
            return;
        }
        Upstream u = candidates.get(i);
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new UpstreamSide())
                .connect(u.host(), u.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        balancer.failed(u);
                        meters.upstreamFailures().increment();
                        connect(candidates, i + 1);
                        return;
                    }
                    balancer.succeeded(u);
                    if (state != State.CONNECTING) {
                        f.channel().close();
                        return;
                    }
                    upstream = f.channel();
                    state = State.RELAYING;
                    while (!pending.isEmpty()) forward(pending.poll());
                    upstream.flush();
                    upstream.config().setAutoRead(true);
                    client.config().setAutoRead(upstream.isWritable());
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case RELAYING -> {
                forward(msg);
                if (!upstream.isWritable()) client.config().setAutoRead(false);
            }
            case WAITING, CONNECTING -> pending.add(msg); // bounded: reads stop once routing starts
            case CLOSED -> ReferenceCountUtil.release(msg);
        }
    }

    private void forward(Object msg) {
        if (msg instanceof ByteBuf b) meters.bytesIn().increment(b.readableBytes());
        upstream.write(msg, upstream.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.RELAYING) upstream.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (state == State.RELAYING) upstream.config().setAutoRead(client.isWritable());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (state == State.WAITING) metrics.refused("timeout");
            close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.closed();
        if (routingDeadline != null) routingDeadline.cancel(false);
        state = State.CLOSED;
        while (!pending.isEmpty()) ReferenceCountUtil.release(pending.poll());
        if (upstream != null) closeAfterFlush(upstream);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(); // resets, TLS-less garbage after routing etc.: this connection only
    }

    private void close() {
        state = State.CLOSED;
        client.close();
        if (upstream != null) upstream.close();
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** The upstream connection's handler: relays service bytes to the client. */
    private final class UpstreamSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) meters.bytesOut().increment(b.readableBytes());
            client.write(msg, client.voidPromise());
            if (!client.isWritable()) ctx.channel().config().setAutoRead(false);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            client.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (state == State.RELAYING) client.config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            state = State.CLOSED;
            closeAfterFlush(client);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
