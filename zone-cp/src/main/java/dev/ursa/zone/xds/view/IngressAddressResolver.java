package dev.ursa.zone.xds.view;

import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Turns another zone's ingress address into the IP literal an EDS endpoint must carry. Neither Envoy (an EDS
 * {@code socket_address} of a non-DNS cluster) nor grpc-java's xDS client accepts a host name there, while a ZoneIngress
 * may advertise one (Kuma's validation allows it, and a load balancer's DNS name is what deployments know in advance).
 *
 * <p>Kept off the xDS worker's path: answers are cached per name and looked up on virtual threads. {@link #address}
 * returns the cached answer; only the first time a name is seen does it wait for the lookup, at most
 * {@code firstLookupWait} (a slower name is left out until its answer arrives). Every cached name is looked up again
 * every {@code refresh}; each changed answer (and each first answer) runs the {@link #onChange} listeners, so whoever
 * builds endpoints can recompute them. A name that does not resolve gives no endpoint and is logged as a WARN naming the
 * ingress, once per change of answer rather than per recompute; other ingresses are unaffected. A name resolving to
 * several addresses gives the first one the system resolver returns.
 *
 * <p>Threads: {@link #address} and {@link #retain} from any thread; lookups each on a virtual thread of their own, the
 * periodic refresh on one scheduler thread started with the first host name; the cache is a concurrent map.
 */
public final class IngressAddressResolver implements AutoCloseable {
    /** How often cached names are looked up again (the JVM's own positive DNS cache keeps an answer 30 s too). */
    public static final Duration REFRESH = Duration.ofSeconds(30);
    /** The longest {@link #address} waits for a name it has not seen before. */
    public static final Duration FIRST_LOOKUP_WAIT = Duration.ofSeconds(1);

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    /** A DNS lookup (the system resolver in production, a fake in tests). */
    @FunctionalInterface
    public interface Lookup {
        InetAddress lookup(String host) throws UnknownHostException;
    }

    private final Lookup lookup;
    private final Duration refresh;
    private final Duration firstLookupWait;
    private final System.Logger log;
    private final ConcurrentHashMap<String, Name> names = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;
    private boolean closed;

    /** One advertised host name: its last answer ({@code ip} null = does not resolve) and who advertises it. */
    private static final class Name {
        final String host;
        final CountDownLatch firstAnswer = new CountDownLatch(1);
        final AtomicBoolean waitedFor = new AtomicBoolean();
        final AtomicBoolean inFlight = new AtomicBoolean();
        volatile boolean answered;
        volatile String ip;
        volatile String ingress;

        Name(String host, String ingress) {
            this.host = host;
            this.ingress = ingress;
        }
    }

    public IngressAddressResolver(Lookup lookup, Duration refresh, Duration firstLookupWait) {
        this(lookup, refresh, firstLookupWait, System.getLogger(IngressAddressResolver.class.getName()));
    }

    IngressAddressResolver(Lookup lookup, Duration refresh, Duration firstLookupWait, System.Logger log) {
        this.lookup = Objects.requireNonNull(lookup);
        this.refresh = refresh;
        this.firstLookupWait = firstLookupWait;
        this.log = log;
    }

    /** The system resolver, {@link #REFRESH}, {@link #FIRST_LOOKUP_WAIT}. */
    public static IngressAddressResolver system() {
        return new IngressAddressResolver(InetAddress::getByName, REFRESH, FIRST_LOOKUP_WAIT);
    }

    /** Runs {@code listener} (on a lookup thread) whenever a name's answer changes, its first answer included. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * The IP literal for an ingress address, or null when it does not resolve (yet): then the ingress gives no
     * endpoint. An IP literal is returned as it is, without any lookup.
     *
     * @param ingress names the ZoneIngress in log lines, e.g. {@code ZoneIngress zone-2.ingress-1 of zone zone-2}
     */
    public String address(String ingress, String host) {
        if (isIpLiteral(host)) return host;
        Name n = names.get(host);
        if (n == null) {
            Name fresh = new Name(host, ingress);
            n = names.putIfAbsent(host, fresh);
            if (n == null) {
                n = fresh;
                startScheduler();
                lookupLater(n);
            }
        }
        n.ingress = ingress;
        if (!n.answered && n.waitedFor.compareAndSet(false, true)) {
            try {
                if (!n.firstAnswer.await(firstLookupWait.toNanos(), TimeUnit.NANOSECONDS)) {
                    log.log(Level.WARNING, "%s: advertised address %s did not resolve within %d ms; its endpoints are left out until it does"
                            .formatted(ingress, host, firstLookupWait.toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return n.ip;
    }

    /** Forgets names no ingress advertises any more (they are no longer looked up), keeping those in {@code hosts}. */
    public void retain(Collection<String> hosts) {
        names.keySet().retainAll(Set.copyOf(hosts));
    }

    /** Names currently cached (tests). */
    Set<String> names() {
        return Set.copyOf(names.keySet());
    }

    /** Looks every cached name up again now (what the periodic refresh does). */
    public void refreshAll() {
        names.values().forEach(this::lookupLater);
    }

    private void lookupLater(Name n) {
        if (!n.inFlight.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("ursa-ingress-dns").start(() -> {
            try {
                resolve(n);
            } finally {
                n.inFlight.set(false);
            }
        });
    }

    private void resolve(Name n) {
        String ip;
        String error = null;
        try {
            ip = lookup.lookup(n.host).getHostAddress();
        } catch (UnknownHostException e) {
            ip = null;
            error = e.getMessage() == null ? "unknown host" : e.getMessage();
        } catch (RuntimeException e) {
            ip = null;
            error = e.toString();
        }
        if (names.get(n.host) != n) { // forgotten meanwhile
            n.firstAnswer.countDown();
            return;
        }
        boolean first = !n.answered;
        String before = n.ip;
        n.ip = ip;
        n.answered = true;
        boolean changed = first || !Objects.equals(before, ip);
        if (!changed) {
            // same answer as before
        } else if (ip == null) {
            log.log(Level.WARNING, "%s: advertised address %s does not resolve (%s); its endpoints are left out until it does"
                    .formatted(n.ingress, n.host, error));
        } else if (before != null) {
            log.log(Level.INFO, "%s: advertised address %s now resolves to %s (was %s)".formatted(n.ingress, n.host, ip, before));
        } else if (!first) {
            log.log(Level.INFO, "%s: advertised address %s resolves again, to %s".formatted(n.ingress, n.host, ip));
        } else if (log.isLoggable(Level.DEBUG)) {
            log.log(Level.DEBUG, "%s: advertised address %s resolves to %s".formatted(n.ingress, n.host, ip));
        }
        n.firstAnswer.countDown();
        if (!changed) return;
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.log(Level.ERROR, "ingress address listener failed", e);
            }
        }
    }

    private synchronized void startScheduler() {
        if (scheduler != null || closed || refresh.isZero() || refresh.isNegative()) return;
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("ursa-ingress-dns-refresh").factory());
        scheduler.scheduleWithFixedDelay(this::refreshAll, refresh.toNanos(), refresh.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) scheduler.shutdownNow();
    }

    /** An IPv4 or IPv6 literal (the IPv6 check parses without any DNS lookup). */
    static boolean isIpLiteral(String s) {
        if (s == null || s.isEmpty()) return false;
        if (IPV4.matcher(s).matches()) return true;
        if (!s.contains(":") || s.startsWith("[")) return false;
        try {
            return InetAddress.getByName(s) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
