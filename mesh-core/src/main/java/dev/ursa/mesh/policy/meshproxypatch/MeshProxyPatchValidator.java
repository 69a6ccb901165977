package dev.ursa.mesh.policy.meshproxypatch;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import dev.ursa.mesh.envoy.EnvoyJson;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.FilterMatch;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.JsonPatchBlock;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.Mod;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.Modification;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshProxyPatch rules (pkg/plugins/policies/meshproxypatch/api/v1alpha1/validator.go and the JSON patch
 * block rules of pkg/plugins/policies/core/jsonpatch/validators), messages and field paths included. A {@code value}
 * must parse as the Envoy type of its modification (Cluster, Listener, Filter, HttpFilter or VirtualHost; unknown fields
 * ignored, as Kuma's jsonpb reads them); a value that adds a resource must also pass Envoy's constraints on that type
 * (Kuma calls the proto's {@code Validate()}). Kuma allows a top-level MeshGateway only for system-role policies, which
 * every universal policy without a {@code kuma.io/policy-role} label is; the spec validator does not see labels, so
 * MeshGateway is accepted whatever the role (as for MeshTrace).
 */
public final class MeshProxyPatchValidator implements SpecValidator<MeshProxyPatchSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshService, MeshServiceSubset, MeshGateway, Dataplane);
    static final String NAME_FILTER_BEFORE = "must be defined. You need to pick a filter before which this one will be added";
    static final String NAME_FILTER_AFTER = "must be defined. You need to pick a filter after which this one will be added";
    private static final List<String> RESOURCE_OPS = List.of("Add", "Patch", "Remove");
    private static final List<String> FILTER_OPS = List.of("AddFirst", "AddLast", "AddBefore", "AddAfter", "Patch", "Remove");
    private static final List<String> JSON_PATCH_OPS = List.of("add", "remove", "replace", "move", "copy");

    @Override
    public void validate(MeshProxyPatchSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP, false, out);
        }
        FieldPath mods = path.field("default").field("appendModifications");
        List<Modification> list = spec.defaults() == null || spec.defaults().appendModifications() == null
                ? List.of() : spec.defaults().appendModifications();
        if (list.isEmpty()) out.add(mods, "must not be empty");
        for (int i = 0; i < list.size(); i++) {
            modification(list.get(i), mods.index(i), out);
        }
    }

    private static void modification(Modification m, FieldPath path, Violations out) {
        int defined = (m.cluster() != null ? 1 : 0) + (m.listener() != null ? 1 : 0) + (m.virtualHost() != null ? 1 : 0)
                + (m.networkFilter() != null ? 1 : 0) + (m.httpFilter() != null ? 1 : 0);
        if (defined != 1) {
            out.add(path, "exactly one modification can be defined at a time. Currently, " + defined + " modifications are defined");
        } else if (m.cluster() != null) {
            FieldPath p = path.field("cluster");
            resourceMod(m.cluster(), m.cluster().match() != null, p, p.field("match"), "cluster", Cluster::newBuilder, out);
        } else if (m.listener() != null) {
            FieldPath p = path.field("listener");
            resourceMod(m.listener(), m.listener().match() != null, p, p.field("match"), "listener", Listener::newBuilder, out);
        } else if (m.virtualHost() != null) {
            FieldPath p = path.field("virtualHost");
            // an added virtual host goes into the route configurations the match names: only its own name is refused
            boolean named = m.virtualHost().match() != null && m.virtualHost().match().name() != null;
            resourceMod(m.virtualHost(), named, p, p.field("match").field("name"), "virtualHost", VirtualHost::newBuilder, out);
        } else if (m.networkFilter() != null) {
            filterMod(m.networkFilter(), m.networkFilter().match(), path.field("networkFilter"), "networkFilter", Filter::newBuilder, out);
        } else {
            filterMod(m.httpFilter(), m.httpFilter().match(), path.field("httpFilter"), "httpFilter", HttpFilter::newBuilder, out);
        }
    }

    /** Clusters, listeners and virtual hosts: Add (no match), Patch, Remove (no value). */
    private static void resourceMod(Mod mod, boolean matchForbiddenOnAdd, FieldPath path, FieldPath matchPath, String entity,
                                    Supplier<Message.Builder> type, Violations out) {
        switch (mod.operation() == null ? "" : mod.operation()) {
            case "Add" -> {
                if (matchForbiddenOnAdd) out.add(matchPath, "must not be defined");
                resourceValue(mod.value(), path.field("value"), type, out);
            }
            case "Patch" -> patch(mod, path, entity, type, out);
            case "Remove" -> {
                if (mod.value() != null) out.add(path.field("value"), "must not be defined");
            }
            default -> out.add(path.field("operation"), availableOperations(RESOURCE_OPS));
        }
    }

    /** Network and HTTP filters: AddFirst, AddLast, AddBefore and AddAfter (a filter to add next to), Patch (a named filter), Remove. */
    private static void filterMod(Mod mod, FilterMatch match, FieldPath path, String entity, Supplier<Message.Builder> type, Violations out) {
        boolean named = match != null && match.name() != null;
        FieldPath name = path.field("match").field("name");
        switch (mod.operation() == null ? "" : mod.operation()) {
            case "AddFirst", "AddLast" -> resourceValue(mod.value(), path.field("value"), type, out);
            case "AddBefore" -> {
                if (!named) out.add(name, NAME_FILTER_BEFORE);
                resourceValue(mod.value(), path.field("value"), type, out);
            }
            case "AddAfter" -> {
                if (!named) out.add(name, NAME_FILTER_AFTER);
                resourceValue(mod.value(), path.field("value"), type, out);
            }
            case "Patch" -> {
                if (!named) out.add(name, "must be defined");
                patch(mod, path, entity, type, out);
            }
            case "Remove" -> {
                if (mod.value() != null) out.add(path.field("value"), "must not be defined");
            }
            default -> out.add(path.field("operation"), availableOperations(FILTER_OPS));
        }
    }

    /** A resource to add: it must parse as its Envoy type and pass Envoy's constraints on it (Kuma's ValidateAnyResourceYAML). */
    private static void resourceValue(String value, FieldPath path, Supplier<Message.Builder> type, Violations out) {
        if (value == null) {
            out.add(path, "must be defined");
            return;
        }
        try {
            Message parsed = EnvoyJson.mergeYaml(value, type.get()).build();
            List<String> violations = EnvoyConstraints.shallow().violations(parsed);
            if (!violations.isEmpty()) out.add(path, notValid(String.join("; ", violations)));
        } catch (InvalidProtocolBufferException e) {
            out.add(path, notValid(e.getMessage()));
        }
    }

    /** Either a value merged into the matched resources (it must parse as their type) or JSON patches, not both. */
    private static void patch(Mod mod, FieldPath path, String entity, Supplier<Message.Builder> type, Violations out) {
        List<JsonPatchBlock> patches = mod.jsonPatches() == null ? List.of() : mod.jsonPatches();
        if (mod.value() != null) {
            if (!patches.isEmpty()) {
                out.add(path, entity + " must have only one type defined: value, jsonPatches");
                return;
            }
            try {
                EnvoyJson.mergeYaml(mod.value(), type.get());
            } catch (InvalidProtocolBufferException e) {
                out.add(path.field("value"), notValid(e.getMessage()));
            }
        } else if (!patches.isEmpty()) {
            jsonPatches(patches, path.field("jsonPatches"), out);
        } else {
            out.add(path, entity + " must have exactly one defined: value, jsonPatches");
        }
    }

    /** Kuma's ValidateJsonPatchBlock (an empty list never gets here: it counts as no patches). */
    private static void jsonPatches(List<JsonPatchBlock> patches, FieldPath path, Violations out) {
        for (int i = 0; i < patches.size(); i++) {
            JsonPatchBlock b = patches.get(i);
            FieldPath p = path.index(i);
            String op = b.op() == null ? "" : b.op();
            if (!JSON_PATCH_OPS.contains(op)) out.add(p.field("op"), "\"op\" must be one of " + quoted(JSON_PATCH_OPS));
            boolean moveOrCopy = op.equals("move") || op.equals("copy");
            if (moveOrCopy && b.from() == null) {
                out.add(p.field("from"), "\"from\" must not be empty when \"op\" is one of [\"move\", \"copy\"]");
            } else if (!moveOrCopy && b.from() != null) {
                out.add(p.field("from"), "\"from\" is allowed only when \"op\" is one of [\"move\", \"copy\"]");
            }
            boolean addOrReplace = op.equals("add") || op.equals("replace");
            if (addOrReplace && b.value() == null) {
                out.add(p.field("value"), "\"value\" must not be empty when \"op\" is one of [\"add\", \"replace\"]");
            } else if (!addOrReplace && b.value() != null) {
                out.add(p.field("value"), "\"value\" is allowed only when \"op\" is one of [\"add\", \"replace\"]");
            }
            if (b.path() == null) {
                out.add(p.field("path"), "must be defined");
            } else if ((b.path().isEmpty() || b.path().equals("/")) && op.equals("remove")) {
                out.add(p.field("path"), "root path cannot be removed");
            }
        }
    }

    private static String notValid(String reason) {
        return "native Envoy resource is not valid: " + reason;
    }

    private static String availableOperations(List<String> ops) {
        return "invalid operation. Available operations: " + ops.stream().map(o -> "\"" + o + "\"").collect(Collectors.joining(", "));
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ", "[", "]"));
    }
}
