package dev.ursa.ingress.proxy;

import dev.ursa.ingress.route.Balancer;
import dev.ursa.ingress.route.RoutingTable;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ingress listener: each accepted connection goes through idle detection, the {@link Sniffer} (which names the
 * service) and a {@link Splice} (which relays it to a local endpoint). Its own Netty event loops, so a flood of
 * connections here never stalls the HTTP endpoints (health, metrics) or the xDS client.
 */
public final class IngressProxy implements AutoCloseable {
    private final ProxySettings settings;
    private final Supplier<RoutingTable> table;
    private final ProxyMetrics metrics;
    private final Balancer balancer;
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers;
    private Channel server;

    public IngressProxy(ProxySettings settings, Supplier<RoutingTable> table, ProxyMetrics metrics) {
        this.settings = settings;
        this.table = table;
        this.metrics = metrics;
        this.balancer = new Balancer(settings.ejection(), System::nanoTime);
        this.workers = new NioEventLoopGroup(settings.ioThreads());
    }

    /** Binds the listener; returns the bound port (useful with port 0). */
    public int start() throws InterruptedException {
        server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("sniff", new Sniffer(table, settings, metrics));
                        ch.pipeline().addLast("splice", new Splice(settings, balancer, metrics));
                    }
                })
                .bind(settings.bindAddress(), settings.port()).sync().channel();
        return port();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public Balancer balancer() {
        return balancer;
    }

    @Override
    public void close() {
        if (server != null) server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
