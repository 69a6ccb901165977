package dev.ursa.ingress.proxy;

import dev.ursa.ingress.route.Route;
import dev.ursa.ingress.route.RoutingTable;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;

import java.util.function.Supplier;

/**
 * Reads the SNI of a TLS ClientHello (Netty buffers a ClientHello split across records, up to its limit) and splices
 * the connection, ClientHello included, to the route's upstream: TLS is never terminated here. An unknown or missing
 * SNI gets a fatal {@code unrecognized_name} alert.
 */
final class SniRouter extends AbstractSniHandler<Route> {
    /** TLS 1.2 record: alert, fatal (2), unrecognized_name (112). Clients of any TLS version read it. */
    private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

    private final Supplier<RoutingTable> table;
    private final ProxyMetrics metrics;

    SniRouter(Supplier<RoutingTable> table, ProxySettings settings, ProxyMetrics metrics) {
        super(settings.maxPreambleBytes(), settings.routingTimeout().toMillis());
        this.table = table;
        this.metrics = metrics;
    }

    @Override
    protected Future<Route> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(table.get().sni(hostname));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Route> future) {
        Route route = future.getNow();
        if (route == null) {
            metrics.refused(hostname == null ? "no_sni" : "unknown_sni");
            ctx.pipeline().get(Splice.class).refused();
            Refusal.refuse(ctx, Unpooled.wrappedBuffer(UNRECOGNIZED_NAME));
            ctx.pipeline().remove(this);
            return;
        }
        ctx.pipeline().get(Splice.class).start(route);
        ctx.pipeline().remove(this); // hands the buffered ClientHello to the splice, unchanged
    }
}
