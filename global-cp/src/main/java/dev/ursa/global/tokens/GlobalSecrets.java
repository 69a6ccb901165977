package dev.ursa.global.tokens;

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
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Reads and writes {@code GlobalSecret}s (base64 data) in the store, blocking (startup and token API only). */
final class GlobalSecrets {
    private GlobalSecrets() {
    }

    static ResourceKey key(String name) {
        return ResourceKey.of(ResourceTypes.GLOBAL_SECRET, "", name);
    }

    static Optional<String> read(ResourceStore store, String name) {
        return join(store.get(key(name))).map(r -> new String(Base64.getDecoder().decode(r.spec(GlobalSecretSpec.class).data()), StandardCharsets.UTF_8));
    }

    /** Creates the secret unless it exists; returns what is stored afterwards (another instance may have won). */
    static String createIfAbsent(ResourceStore store, String name, String value) {
        try {
            join(store.put(secret(name, value), Precondition.ABSENT));
            return value;
        } catch (StoreException.AlreadyExists e) {
            return read(store, name).orElseThrow();
        }
    }

    /** Read-modify-write with optimistic concurrency, retried on conflict. */
    static void update(ResourceStore store, String name, UnaryOperator<String> change) {
        for (int attempt = 0; ; attempt++) {
            Optional<Resource> current = join(store.get(key(name)));
            String before = current.map(r -> new String(Base64.getDecoder().decode(r.spec(GlobalSecretSpec.class).data()), StandardCharsets.UTF_8)).orElse("");
            Precondition pre = current.map(r -> Precondition.version(r.meta().version())).orElse(Precondition.ABSENT);
            try {
                join(store.put(secret(name, change.apply(before)), pre));
                return;
            } catch (StoreException.Conflict | StoreException.AlreadyExists | StoreException.NotFound e) {
                if (attempt > 10) throw e;
            }
        }
    }

    private static Resource secret(String name, String value) {
        return new Resource(ResourceTypes.GLOBAL_SECRET, Meta.fresh("", name, Map.of()),
                new GlobalSecretSpec(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    }

    static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StoreException.Unavailable("store did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted", e);
        }
    }
}
