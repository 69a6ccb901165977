package dev.ursa.zone.xds;

import com.google.protobuf.Value;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.validation.ValidationException;
import io.envoyproxy.envoy.config.core.v3.Node;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Dataplanes that nodes register themselves, Kuma-style, with their Dataplane in node metadata: parsed and checked when
 * the node connects, written unless the API wrote one, and deleted after the node is gone (only while still
 * self-registered). Each decision is made on the store's current state and written with a version precondition, so an
 * API write in between always wins.
 *
 * <p>Threads: holds no state; called from any thread, its writes complete on the store's threads.
 */
public final class SelfRegistration {
    /** Kuma's node metadata key: the node's Dataplane (JSON or YAML). */
    public static final String METADATA_KEY = "dataplane.resource";
    /** Label on resources the zone wrote for a node (deleted after their node left). */
    public static final String LABEL = "ursa.io/self-registered";

    private static final Logger LOG = Logger.getLogger(SelfRegistration.class);
    private static final int MAX_ATTEMPTS = 5;

    private final ResourceStore store;

    SelfRegistration(ResourceStore store) {
        this.store = store;
    }

    public static boolean isSelfRegistered(Resource resource) {
        return "true".equals(resource.meta().labels().get(LABEL));
    }

    /** The Dataplane in the node's metadata, validated and labelled; null when there is none. */
    public static Resource parse(NodeId id, Node node) {
        Value v = node.getMetadata().getFieldsOrDefault(METADATA_KEY, null);
        if (v == null) return null;
        if (!v.hasStringValue()) {
            throw new IllegalArgumentException("node metadata \"" + METADATA_KEY + "\" must be a Dataplane as a JSON or YAML string");
        }
        Resource dp;
        try {
            dp = ResourceCodec.decode(ResourceCodec.parse(v.getStringValue().getBytes(StandardCharsets.UTF_8), Format.YAML));
            ResourceValidation.validate(dp);
        } catch (ValidationException e) {
            throw new IllegalArgumentException("node metadata \"" + METADATA_KEY + "\" is not a valid Dataplane: " + e.violations());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("node metadata \"" + METADATA_KEY + "\" is not a valid Dataplane: " + e.getMessage());
        }
        if (dp.type() != ResourceTypes.DATAPLANE || !dp.meta().mesh().equals(id.mesh()) || !dp.meta().name().equals(id.name())) {
            throw new IllegalArgumentException("node metadata \"" + METADATA_KEY + "\" must be the Dataplane \"" + id.name()
                    + "\" of mesh \"" + id.mesh() + "\" (the node id), got " + dp.type().name() + " " + dp.meta().mesh() + "/" + dp.meta().name());
        }
        Map<String, String> labels = new HashMap<>(dp.meta().labels());
        labels.put(LABEL, "true");
        return dp.withMeta(Meta.fresh(dp.meta().mesh(), dp.meta().name(), labels));
    }

    /**
     * Stores a node's own Dataplane unless one was written through the API. Retried on a concurrent write: another
     * replica the node just left may delete it (its own check found no other stream yet) while this one registers it.
     */
    void register(Resource dp) {
        register(dp, 0);
    }

    private void register(Resource dp, int attempt) {
        store.get(dp.key()).thenCompose(existing -> {
            if (existing.isPresent() && !isSelfRegistered(existing.get())) {
                return CompletableFuture.completedFuture(null); // the API's Dataplane wins
            }
            return store.put(dp, existing.map(e -> Precondition.version(e.meta().version())).orElse(Precondition.ABSENT));
        }).whenComplete((r, err) -> {
            Throwable cause = err instanceof CompletionException ce ? ce.getCause() : err;
            if (cause == null) return;
            boolean raced = cause instanceof StoreException.Conflict || cause instanceof StoreException.AlreadyExists
                    || cause instanceof StoreException.NotFound;
            if (raced && attempt < MAX_ATTEMPTS) register(dp, attempt + 1);
            else LOG.warnf("self-registration of %s failed: %s", dp.key(), cause.getMessage());
        });
    }

    /** Deletes the node's Dataplane if it is still the self-registered one, at the version seen. */
    void unregister(NodeId id) {
        store.get(ResourceKey.of(ResourceTypes.DATAPLANE, id.mesh(), id.name())).thenCompose(dp -> dp.isPresent() && isSelfRegistered(dp.get())
                ? store.delete(dp.get().key(), Precondition.version(dp.get().meta().version()))
                : CompletableFuture.completedFuture(null)).whenComplete((r, err) -> {
            if (err != null) LOG.debugf("removing self-registered %s: %s", id, err.getMessage());
        });
    }
}
