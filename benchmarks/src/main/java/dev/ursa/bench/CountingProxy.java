package dev.ursa.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback TCP relay that counts the bytes on the wire in each direction: put between a zone CP and the global, it
 * measures what KDS really costs (TLS records, HTTP/2 frames, keepalive pings included), without touching either side.
 * Threads: one virtual thread per direction per connection.
 */
public final class CountingProxy implements AutoCloseable {
    /** Bytes so far, client to server ({@code up}) and back ({@code down}), and connections accepted. */
    public record Count(long up, long down, long connections) {
        public Count minus(Count earlier) {
            return new Count(up - earlier.up, down - earlier.down, connections - earlier.connections);
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final LongAdder up = new LongAdder();
    private final LongAdder down = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public CountingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().name("counting-proxy-accept").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public Count count() {
        return new Count(up.sum(), down.sum(), connections.sum());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket("127.0.0.1", targetPort);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(target);
                connections.increment();
                Thread.ofVirtual().start(() -> relay(client, target, up));
                Thread.ofVirtual().start(() -> relay(target, client, down));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection closed
            }
        }
    }

    private static void relay(Socket from, Socket to, LongAdder bytes) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                bytes.add(n);
            }
        } catch (IOException e) {
            // one side went: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) closeQuietly(s);
    }
}
