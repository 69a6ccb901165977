package dev.ursa.it.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fault-injecting TCP proxy on loopback, placed between two processes (a zone CP and its global's KDS port, a control
 * plane and Postgres). Faults are connection-level (this machine has no {@code netem}): each can be switched on and
 * off while connections are open, and {@link #heal()} clears them all.
 * <ul>
 * <li>{@link #latency}: every chunk is delivered {@code base + uniform(0, jitter)} late, in order;</li>
 * <li>{@link #bandwidth}: bytes per second in each direction of each connection;</li>
 * <li>{@link #stall()}: connections stay open but nothing is delivered (held, then delivered by {@link #resume()}),
 * and once the small buffer is full the sender's TCP window closes, as behind a hung middlebox;</li>
 * <li>{@link #resetAll()}: every open connection is reset (RST); new ones are accepted;</li>
 * <li>{@link #partition()}: every open connection is reset and new ones are reset at once (refused);</li>
 * <li>{@link #retarget(int)}: open connections are reset and new ones go to another port, as a load balancer that
 * moves its clients to another replica;</li>
 * <li>{@link #blackhole()}: open and new connections stay open but every byte is dropped (a dead peer, a cut without
 * RST): only keepalives notice.</li>
 * </ul>
 * Traffic stays on 127.0.0.1. Threads are virtual; one reader and one writer per direction of each connection.
 */
public final class FaultProxy implements AutoCloseable {
    /** Chunks held per direction before the reader stops reading (then the sender's TCP window fills). */
    private static final int QUEUE_CHUNKS = 64;

    private final ServerSocket server;
    private volatile int targetPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile long bytesPerSecond;
    private volatile boolean stalled;
    private volatile boolean refusing;
    private volatile boolean dropping;

    public FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().name("fault-proxy-accept-" + server.getLocalPort()).start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Delays every chunk by {@code base} plus a uniformly random part of {@code jitter}; order is kept. */
    public FaultProxy latency(Duration base, Duration jitter) {
        latencyNanos = base.toNanos();
        jitterNanos = jitter.toNanos();
        return this;
    }

    /** Caps each direction of each connection at {@code bytesPerSecond}; 0 lifts the cap. */
    public FaultProxy bandwidth(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Holds every byte from now on; connections stay open. */
    public void stall() {
        stalled = true;
    }

    /** Ends a {@link #stall()}: what was held is delivered. */
    public void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    /** New connections go to {@code port}; open ones are reset (their clients reconnect, through the new target). */
    public void retarget(int port) {
        targetPort = port;
        resetAll();
    }

    /** The port new connections are forwarded to. */
    public int target() {
        return targetPort;
    }

    /** Resets (RST) every open connection; new connections are accepted as before. */
    public void resetAll() {
        for (Link l : links) l.reset();
    }

    /** A full partition: every open connection is reset and new ones are reset on arrival, until {@link #heal()}. */
    public void partition() {
        refusing = true;
        resetAll();
    }

    /** Every byte of open and new connections is dropped, no connection is closed, until {@link #heal()}. */
    public void blackhole() {
        dropping = true;
    }

    /** Clears every fault: no latency, no cap, no stall, new connections are forwarded. */
    public void heal() {
        latencyNanos = 0;
        jitterNanos = 0;
        bytesPerSecond = 0;
        refusing = false;
        dropping = false;
        resume();
    }

    /** Connections currently open through the proxy. */
    public int openConnections() {
        return links.size();
    }

    /** Connections accepted so far (forwarded, blackholed or refused). */
    public long accepted() {
        return accepted.get();
    }

    /** Connections this proxy has reset so far (by {@link #resetAll()}, {@link #partition()} or a refusal). */
    public long resets() {
        return resets.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (refusing) {
                rst(in);
                resets.incrementAndGet();
                continue;
            }
            Thread.ofVirtual().start(() -> open(in));
        }
    }

    private void open(Socket in) {
        Socket out = null;
        if (!dropping) {
            try {
                out = new Socket();
                out.connect(new InetSocketAddress("127.0.0.1", targetPort), 5_000);
            } catch (IOException e) {
                rst(in); // the target is down: the client sees the connection refused, as it would without the proxy
                return;
            }
        }
        Link link = new Link(in, out);
        links.add(link);
        link.start();
    }

    private static void rst(Socket s) {
        try {
            s.setSoLinger(true, 0); // close with RST, as a reset by a peer or middlebox
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private record Chunk(byte[] bytes, long dueNanos) {
        static final Chunk EOF = new Chunk(new byte[0], 0);
    }

    /** One proxied connection; {@code out} is null while blackholed from the start (nothing upstream). */
    private final class Link {
        private final Socket in;
        private final Socket out;

        Link(Socket in, Socket out) {
            this.in = in;
            this.out = out;
        }

        void start() {
            if (out == null) {
                Thread.ofVirtual().start(() -> drain(in));
                return;
            }
            BlockingQueue<Chunk> up = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
            BlockingQueue<Chunk> down = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
            Thread.ofVirtual().start(() -> read(in, up));
            Thread.ofVirtual().start(() -> write(up, out));
            Thread.ofVirtual().start(() -> read(out, down));
            Thread.ofVirtual().start(() -> write(down, in));
        }

        private void drain(Socket s) {
            byte[] buf = new byte[16 * 1024];
            try (InputStream is = s.getInputStream()) {
                while (is.read(buf) >= 0) {
                    // dropped
                }
            } catch (IOException e) {
                // reset or closed
            } finally {
                close();
            }
        }

        private void read(Socket from, BlockingQueue<Chunk> queue) {
            byte[] buf = new byte[16 * 1024];
            long lastDue = 0;
            try {
                InputStream is = from.getInputStream();
                int n;
                while ((n = is.read(buf)) >= 0) {
                    if (dropping) continue;
                    long due = System.nanoTime() + latencyNanos + (jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos) : 0);
                    lastDue = Math.max(due, lastDue); // a stream keeps its order whatever the jitter
                    queue.put(new Chunk(Arrays.copyOf(buf, n), lastDue));
                }
                queue.put(Chunk.EOF);
            } catch (IOException e) {
                close(); // reset or closed: the other side learns it by the same
                queue.offer(Chunk.EOF); // wakes a writer waiting for bytes; a busy one fails on the closed socket
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private void write(BlockingQueue<Chunk> queue, Socket to) {
            try {
                OutputStream os = to.getOutputStream();
                while (true) {
                    Chunk c = queue.take();
                    if (c == Chunk.EOF) {
                        to.shutdownOutput(); // half-close, passed on as the peer did it
                        return;
                    }
                    awaitDue(c.dueNanos());
                    awaitNotStalled();
                    if (dropping) continue;
                    send(os, c.bytes());
                }
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private void send(OutputStream os, byte[] bytes) throws IOException {
            int off = 0;
            while (off < bytes.length) {
                long cap = bytesPerSecond;
                // at most 1/20 s worth per write, then the pause that write costs at this rate
                int n = cap <= 0 ? bytes.length - off : (int) Math.max(1, Math.min(bytes.length - off, cap / 20));
                os.write(bytes, off, n);
                os.flush();
                off += n;
                if (cap > 0) LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(n) / cap); // the fault itself: the link's rate
            }
        }

        private void awaitDue(long due) {
            long wait;
            while ((wait = due - System.nanoTime()) > 0 && !in.isClosed()) LockSupport.parkNanos(wait); // the injected latency
        }

        private void awaitNotStalled() throws InterruptedException {
            synchronized (gate) {
                while (stalled && !in.isClosed()) gate.wait(100); // re-checks the socket: a reset ends a stalled link
            }
        }

        void reset() {
            boolean open = links.remove(this); // before the RST: the pumps' own close would remove it first
            rst(in);
            if (out != null) rst(out);
            if (open) resets.incrementAndGet();
        }

        void close() {
            closeQuietly(in);
            if (out != null) closeQuietly(out);
            links.remove(this);
        }
    }

    @Override
    public void close() throws IOException {
        refusing = true;
        resetAll();
        server.close();
        resume();
    }
}
