package dev.ursa.ingress;

import dev.ursa.ingress.proxy.IngressProxy;
import dev.ursa.ingress.proxy.ProxyMetrics;
import dev.ursa.ingress.proxy.ProxySettings;
import dev.ursa.ingress.route.RoutingTable;
import dev.ursa.ingress.xds.IngressToken;
import dev.ursa.ingress.xds.ZoneCpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicReference;

/** Starts the proxy listener and the xDS client for the app's lifetime; the client's tables feed the proxy. */
@Singleton
public class IngressRuntime {
    private static final System.Logger LOG = System.getLogger(IngressRuntime.class.getName());

    private final IngressConfig config;
    private final MeterRegistry meters;
    private final AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.EMPTY);
    private IngressProxy proxy;
    private ZoneCpClient client;

    public IngressRuntime(IngressConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
    }

    void start(@Observes StartupEvent event) throws Exception {
        int threads = config.ioThreads() > 0 ? config.ioThreads() : Math.max(2, Runtime.getRuntime().availableProcessors());
        ProxySettings settings = new ProxySettings(config.address(), config.port(), config.routingTimeout(), config.idleTimeout(),
                config.connectTimeout(), config.ejection(), config.maxPreambleBytes(), threads);
        proxy = new IngressProxy(settings, table::get, new ProxyMetrics(meters));
        int port = proxy.start();
        String address = config.address().equals("0.0.0.0") || config.address().equals("::") ? localAddress() : config.address();
        String advAddress = config.advertisedAddress().orElse(null);
        Integer advPort = config.advertisedPort().orElse(null);
        if (advAddress != null && advPort == null) advPort = port;
        if (advAddress == null && advPort != null) advAddress = address;
        if (config.token().isEmpty() && config.tokenFile().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "no ursa.ingress.token-file (or ursa.ingress.token): a zone CP refuses this ingress unless it runs"
                    + " with ursa.xds.auth=none. Mint a zone token with scope ingress: POST /tokens/zone {\"zone\":\"<zone>\",\"scope\":[\"ingress\"]}");
        }
        client = new ZoneCpClient(config.zoneCpAddress(), new ZoneCpClient.Identity(config.name(), address, port, advAddress, advPort),
                IngressToken.of(config.token(), config.tokenFile()), t -> {
                    table.set(t);
                    LOG.log(System.Logger.Level.INFO, "routing table " + t.version() + ": " + t.bySni().size() + " services");
                }, config.backoffMin(), config.backoffMax());
        client.start();
        LOG.log(System.Logger.Level.INFO, "ingress " + config.name() + " listening on " + config.address() + ":" + port + ", zone CP " + config.zoneCpAddress());
    }

    void stop(@Observes ShutdownEvent event) {
        if (client != null) client.close();
        if (proxy != null) proxy.close();
    }

    /** Ready once the zone CP sent a routing table (kept while the zone CP is away). */
    public boolean hasConfig() {
        return client != null && client.hasConfig();
    }

    public RoutingTable table() {
        return table.get();
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
