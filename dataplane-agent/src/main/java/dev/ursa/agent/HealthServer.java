package dev.ursa.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * {@code GET /health}: the agent's state as JSON, 200 when ready (valid files in place, or mTLS off with the bootstrap
 * written), 503 otherwise. Local only by default (127.0.0.1:9902); nothing secret is in it.
 */
public final class HealthServer implements AutoCloseable {
    public static final String PATH = "/health";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    public static HealthServer start(HostPort address, Supplier<AgentStatus> status, Clock clock) throws AgentException {
        HttpServer server;
        try {
            server = HttpServer.create(address.socketAddress(), 16);
        } catch (IOException e) {
            throw new AgentException(ExitCodes.FAILED, "cannot serve health on " + address + ": " + e.getMessage(), e);
        }
        server.createContext(PATH, exchange -> respond(exchange, status.get(), clock.instant()));
        server.start();
        return new HealthServer(server);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    static ObjectNode render(AgentStatus s, Instant now) {
        ObjectNode root = JSON.createObjectNode();
        root.put("ready", s.ready(now));
        root.put("mtls", Boolean.TRUE.equals(s.mtls()));
        if (s.certificate() == null) {
            root.putNull("certificate");
        } else {
            ObjectNode cert = root.putObject("certificate");
            cert.put("notAfter", s.certificate().notAfter().toString());
            ArrayNode ids = cert.putArray("identities");
            s.certificate().identities().forEach(ids::add);
            cert.put("issuerId", s.certificate().issuerId());
            cert.put("valid", s.certificate().validAt(now));
        }
        putTime(root, "lastRenewal", s.lastRenewal());
        putTime(root, "nextRenewal", s.nextRenewal());
        if (s.lastError() == null) root.putNull("lastError");
        else root.put("lastError", s.lastError());
        root.put("consecutiveFailures", s.consecutiveFailures());
        return root;
    }

    private static void putTime(ObjectNode node, String field, Instant time) {
        if (time == null) node.putNull(field);
        else node.put(field, time.toString());
    }

    private static void respond(HttpExchange exchange, AgentStatus status, Instant now) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ObjectNode body = render(status, now);
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            int code = body.get("ready").asBoolean() ? 200 : 503;
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(code, -1);
                return;
            }
            exchange.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
