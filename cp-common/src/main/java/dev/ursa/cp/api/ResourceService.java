package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.ReservedLabels;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.WriteResult;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import dev.ursa.mesh.validation.Violations;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The admin API's rules, apart from HTTP: who may write what, path/body consistency, validation (the document's own,
 * then {@link WriteChecks} against the stored state). Every refusal happens before the store is written, so a refused
 * request changes nothing.
 */
@ApplicationScoped
public class ResourceService {
    /** Bodies above this are refused with a 400 naming the limit (Kuma's documents are a few KiB). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private final ResourceStore store;
    private final ControlPlaneRole role;
    private final WriteChecks checks;

    public ResourceService(ResourceStore store, ControlPlaneRole role, WriteChecks checks) {
        this.store = store;
        this.role = role;
        this.checks = checks;
    }

    public CompletionStage<Optional<Resource>> get(ResourceType type, String mesh, String name) {
        return store.get(ResourceKey.of(type, mesh, name));
    }

    public CompletionStage<Page> list(ListQuery query) {
        return store.list(query);
    }

    /** A stored write and the warnings its document raised (accepted, but worth telling the user). */
    public record Written(WriteResult result, List<Violation> warnings) {
    }

    private record Accepted(Resource resource, List<Violation> warnings) {
    }

    public CompletionStage<Written> put(ResourceType type, String mesh, String name, byte[] body, Format format, Precondition precondition) {
        try {
            Accepted accepted = accept(type, mesh, name, body, format);
            return checks.check(accepted.resource()).thenCompose(violations -> {
                if (!violations.isEmpty()) throw new ValidationException("Resource is not valid", violations);
                return store.put(accepted.resource(), precondition);
            }).thenApply(r -> new Written(r, accepted.warnings()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletionStage<Resource> delete(ResourceType type, String mesh, String name, Precondition precondition) {
        Optional<String> refusal = refusal(type);
        if (refusal.isPresent()) {
            return CompletableFuture.failedFuture(new WriteRefusedException(refusal.get()));
        }
        ResourceKey key = ResourceKey.of(type, mesh, name);
        return checks.checkDelete(key).thenCompose(violations -> {
            if (!violations.isEmpty()) throw new ValidationException("Resource is in use", violations);
            return store.delete(key, precondition);
        });
    }

    /** Types a control plane computes itself: never written through the API, on any role. */
    private static final Map<ResourceType, String> COMPUTED = Map.of(
            ResourceTypes.ZONE_INSIGHT, "ZoneInsight resources are computed by the global control plane from KDS sessions; they cannot be written",
            ResourceTypes.TOKEN_TRUST, "TokenTrust resources are published by the global control plane from its signing keys and revocations; they cannot be written",
            ResourceTypes.DATAPLANE_INSIGHT, "DataplaneInsight resources are computed by the zone control plane from xDS sessions; they cannot be written");

    /** Whether {@code type} is computed by a control plane, never written by a user anywhere. */
    public static boolean computed(ResourceType type) {
        return COMPUTED.containsKey(type);
    }

    /** Why this control plane refuses writes (PUT, DELETE) of {@code type}, or empty when it takes them. */
    public Optional<String> refusal(ResourceType type) {
        String computed = COMPUTED.get(type);
        return computed != null ? Optional.of(computed) : role.refuseWrite(type);
    }

    /**
     * Why a label the control plane sets itself cannot be written here. A zone may be told what it is (Kuma's policies
     * for a zone CP carry {@code kuma.io/origin: zone}, and that is true of a write to a zone); nothing may claim to be
     * another zone's, and nothing written at the global came from a zone.
     */
    private Optional<String> reservedLabel(String label, String value) {
        if (!ReservedLabels.ALL.contains(label)) return Optional.empty();
        Optional<String> zone = role.zone();
        boolean truthfulAtZone = role.mode() == ControlPlaneRole.Mode.ZONE && zone.isPresent()
                && (label.equals(ReservedLabels.ORIGIN) ? value.equals(ReservedLabels.ORIGIN_ZONE) : value.equals(zone.get()));
        if (truthfulAtZone) return Optional.empty();
        return Optional.of("label \"" + label + "\" is set by the control plane" + (role.mode() == ControlPlaneRole.Mode.ZONE
                ? "; on this zone it may only be \"" + (label.equals(ReservedLabels.ORIGIN) ? ReservedLabels.ORIGIN_ZONE : zone.orElse("")) + "\""
                : " and cannot be written through the global's API"));
    }

    /** Parses and checks a PUT body against its path; throws on the first refusal with every violation found. */
    private Accepted accept(ResourceType type, String mesh, String name, byte[] body, Format format) {
        refusal(type).ifPresent(reason -> {
            throw new WriteRefusedException(reason);
        });
        if (body != null && body.length > MAX_BODY_BYTES) {
            throw ValidationException.of("Request body too large", "", "body is " + body.length + " bytes; the limit is " + MAX_BODY_BYTES + " bytes (1 MiB)");
        }
        JsonNode document = ResourceCodec.parse(body, format);
        // The path decides the type: check it before binding the spec, so the error names the real mistake.
        JsonNode typeField = document.path("type");
        if (typeField.isTextual() && !typeField.asText().equals(type.name()) && ResourceTypes.byName(typeField.asText()).isPresent()) {
            throw ValidationException.of("Resource is not valid", "type",
                    "type \"" + typeField.asText() + "\" does not match the path, which holds " + type.name() + " resources");
        }
        Resource resource = ResourceCodec.decode(document);
        Violations out = new Violations();
        String bodyName = resource.meta().name();
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            out.add(FieldPath.of("name"), "name \"" + bodyName + "\" does not match the name in the path \"" + name + "\"");
        }
        if (type.meshScoped()) {
            String bodyMesh = resource.meta().mesh();
            if (!bodyMesh.isEmpty() && !bodyMesh.equals(mesh)) {
                out.add(FieldPath.of("mesh"), "mesh \"" + bodyMesh + "\" does not match the mesh in the path \"" + mesh + "\"");
            }
        }
        resource.meta().labels().forEach((label, value) -> reservedLabel(label, value).ifPresent(reason -> out.add(FieldPath.of("labels").key(label), reason)));
        if (name.startsWith("_")) {
            out.add(FieldPath.of("name"), "names starting with '_' are reserved for API sub-paths such as _overview and _config");
        }
        if (type.meshScoped() && mesh != null && mesh.startsWith("_")) {
            out.add(FieldPath.of("mesh"), "names starting with '_' are reserved for API sub-paths such as _overview and _config");
        }
        Violations checked = ResourceValidation.check(resource);
        out.addAll(checked.list());
        out.throwIfAny("Resource is not valid");
        return new Accepted(resource, checked.warnings());
    }
}
