package dev.ursa.demo;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One zone's demo services: a plain gRPC server per service on a free port of {@code address}, each registered as a
 * Dataplane of the zone, removed again on exit (SIGTERM or SIGINT run the shutdown hook). Or, with mesh mTLS, an
 * xDS-enabled server per service on a given port ({@link #startXds}): its TLS and MeshTrafficPermission come from the
 * zone CP, its certificates from ursa-agent, its Dataplane from the agent's bootstrap (self-registration).
 */
public final class DemoServer {
    private final DataplaneRegistration registration;
    private final String zone;
    private final String address;
    private final List<Running> running = new ArrayList<>();

    private record Running(Greeter.Instance instance, Server server) {
    }

    public DemoServer(DataplaneRegistration registration, String zone, String address) {
        this.registration = registration;
        this.zone = zone;
        this.address = address;
    }

    /** Starts and registers {@code service}; returns its gRPC port. */
    public synchronized int start(String service, Duration registrationTimeout) throws IOException, InterruptedException {
        Greeter.Instance instance = new Greeter.Instance(service, zone, service + "-" + zone);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(address, 0))
                .addService(Greeter.service(instance)).build().start();
        running.add(new Running(instance, server));
        registration.register(instance, address, server.getPort(), registrationTimeout);
        System.out.printf("serving %s on %s:%d, registered as Dataplane %s in %s%n", service, address, server.getPort(), instance.name(), zone);
        return server.getPort();
    }

    /**
     * Starts {@code service} as an {@code XdsServerBuilder} server on {@code port}: the JVM's xDS bootstrap
     * ({@code GRPC_XDS_BOOTSTRAP}, written by ursa-agent) names the zone CP, the node and the certificate files.
     */
    public synchronized void startXds(String service, int port) throws IOException {
        Greeter.Instance instance = new Greeter.Instance(service, zone, service + "-" + zone);
        Server server = XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .addService(Greeter.service(instance)).build().start();
        running.add(new Running(instance, server));
        System.out.printf("serving %s on :%d as an xDS server (TLS and permissions from the zone CP)%n", service, port);
    }

    /** Deregisters first, so clients stop being sent here before the servers go away. */
    public synchronized void stop() {
        for (Running r : running) {
            if (registration == null) break; // xDS servers: self-registered, removed by the zone when they leave
            boolean removed = registration.deregister(r.instance().name());
            System.out.printf("%s Dataplane %s%n", removed ? "deregistered" : "could not deregister", r.instance().name());
        }
        for (Running r : running) r.server().shutdown();
        for (Running r : running) {
            try {
                if (!r.server().awaitTermination(2, TimeUnit.SECONDS)) r.server().shutdownNow();
            } catch (InterruptedException e) {
                r.server().shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (registration == null && !running.isEmpty()) System.out.println("stopped demo services of " + zone);
        running.clear();
    }

    /** Not synchronized: the shutdown hook's {@link #stop()} must get the lock while the main thread waits here. */
    public void awaitTermination() throws InterruptedException {
        List<Running> servers;
        synchronized (this) {
            servers = List.copyOf(running);
        }
        for (Running r : servers) r.server().awaitTermination();
    }
}
