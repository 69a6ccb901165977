package dev.ursa.global.tokens;

import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.tokens.InvalidZoneTokenException;
import dev.ursa.sync.tokens.ZoneToken;
import dev.ursa.sync.tokens.ZoneTokens;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Zone tokens of this global: the signing key pair is generated at first start and kept in the store as the
 * GlobalSecret {@value #SIGNING_KEY}, so every global sharing a database signs and verifies alike. Revoked token ids are
 * the GlobalSecret {@value #REVOCATIONS} (ids separated by commas or newlines, as Kuma keeps them); revocations made
 * by any instance are seen through the store's change feed and reported to listeners (the KDS server closes streams).
 */
@Startup
@ApplicationScoped
public class ZoneTokenService {
    private static final Logger LOG = Logger.getLogger(ZoneTokenService.class);
    public static final String SIGNING_KEY = "zone-token-signing-key-1";
    public static final String REVOCATIONS = "zone-token-revocations";

    private final ResourceStore store;
    private final Clock clock = Clock.systemUTC();
    private final List<Consumer<Set<String>>> revocationListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("zone-token-revocations").factory());
    private volatile ZoneTokens tokens;
    private volatile Set<String> revoked = Set.of();
    private AutoCloseable subscription;
    private AutoCloseable resyncSubscription;

    public ZoneTokenService(ResourceStore store) {
        this.store = store;
    }

    @PostConstruct
    void init() {
        subscription = store.changes().subscribe(e -> {
            if (e.key().type().equals(ResourceTypes.GLOBAL_SECRET.name()) && e.key().name().equals(REVOCATIONS)) {
                refresher.execute(this::refreshRevocations);
            }
        });
        // A revocation committed while the feed was down arrives as no event: re-read them all.
        resyncSubscription = store.changes().subscribeResync(r -> refresher.execute(this::refreshRevocations));
        try {
            keys();
        } catch (RuntimeException e) {
            LOG.warn("zone token key not loaded yet (store unavailable?): " + e.getMessage() + "; retried on first use");
        }
    }

    /** The signing key, loaded (or generated at the first start) from the store on first use. */
    public synchronized ZoneTokens keys() {
        if (tokens == null) {
            String key = StoredSecrets.read(store, SIGNING_KEY).orElseGet(() -> {
                LOG.info("generating the zone token signing key (first start of this global)");
                return StoredSecrets.createIfAbsent(store, SIGNING_KEY, ZoneTokens.generateKey());
            });
            tokens = new ZoneTokens(key, clock);
            refreshRevocations();
        }
        return tokens;
    }

    @PreDestroy
    void stop() throws Exception {
        if (subscription != null) subscription.close();
        if (resyncSubscription != null) resyncSubscription.close();
        refresher.shutdownNow();
    }

    public String issue(String zone, Duration validFor) {
        return keys().issue(zone, validFor);
    }

    /** Verifies signature, expiry and claims; revocation is checked separately ({@link #revoked(ZoneToken)}). */
    public ZoneToken verify(String token) throws InvalidZoneTokenException {
        return keys().verify(token);
    }

    public boolean revoked(ZoneToken token) {
        return revoked.contains(token.id());
    }

    public void revoke(String tokenId) {
        StoredSecrets.update(store, REVOCATIONS, before -> {
            Set<String> ids = parse(before);
            ids.add(tokenId);
            return String.join(",", ids);
        });
        refreshRevocations();
    }

    /** Called with the full revoked set whenever it changes. */
    public void onRevocations(Consumer<Set<String>> listener) {
        revocationListeners.add(listener);
    }

    private synchronized void refreshRevocations() {
        try {
            Set<String> now = Set.copyOf(parse(StoredSecrets.read(store, REVOCATIONS).orElse("")));
            if (!now.equals(revoked)) {
                revoked = now;
                revocationListeners.forEach(l -> l.accept(now));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read zone token revocations: " + e.getMessage());
        }
    }

    private static Set<String> parse(String list) {
        Set<String> ids = new LinkedHashSet<>();
        Arrays.stream(list.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).forEach(ids::add);
        return ids;
    }
}
