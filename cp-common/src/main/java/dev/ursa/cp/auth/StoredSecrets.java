package dev.ursa.cp.auth;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.GlobalSecretSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Internal secrets (signing keys, revocation lists) kept in the store as {@code GlobalSecret}s, so every instance
 * sharing a database signs and verifies alike. Blocking: for startup, token endpoints and refresh threads only, never
 * an event loop. The type is internal: no REST, no KDS, no change events outside the process.
 */
public final class StoredSecrets {
    private StoredSecrets() {
    }

    public static ResourceKey key(String name) {
        return ResourceKey.of(ResourceTypes.GLOBAL_SECRET, "", name);
    }

    public static Optional<String> read(ResourceStore store, String name) {
        return join(store.get(key(name))).map(StoredSecrets::decode);
    }

    /** Creates the secret unless it exists; returns what is stored afterwards (another instance may have won). */
    public static String createIfAbsent(ResourceStore store, String name, String value) {
        try {
            join(store.put(secret(name, value), Precondition.ABSENT));
            return value;
        } catch (StoreException.AlreadyExists e) {
            return read(store, name).orElseThrow();
        }
    }

    /** Read-modify-write with optimistic concurrency, retried on conflict; {@code change} gets "" when absent. */
    public static String update(ResourceStore store, String name, UnaryOperator<String> change) {
        for (int attempt = 0; ; attempt++) {
            Optional<Resource> current = join(store.get(key(name)));
            String before = current.map(StoredSecrets::decode).orElse("");
            Precondition pre = current.map(r -> Precondition.version(r.meta().version())).orElse(Precondition.ABSENT);
            String after = change.apply(before);
            if (current.isPresent() && after.equals(before)) return after;
            try {
                join(store.put(secret(name, after), pre));
                return after;
            } catch (StoreException.Conflict | StoreException.AlreadyExists | StoreException.NotFound e) {
                if (attempt > 10) throw e;
            }
        }
    }

    private static String decode(Resource r) {
        return new String(Base64.getDecoder().decode(r.spec(GlobalSecretSpec.class).data()), StandardCharsets.UTF_8);
    }

    private static Resource secret(String name, String value) {
        return new Resource(ResourceTypes.GLOBAL_SECRET, Meta.fresh("", name, Map.of()),
                new GlobalSecretSpec(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    }

    public static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new StoreException.Unavailable("store did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted", e);
        }
    }
}
