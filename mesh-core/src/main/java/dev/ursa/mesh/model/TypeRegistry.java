package dev.ursa.mesh.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A set of resource types to look types up in: the core types plus the registered policy types. Immutable, so it is
 * shared freely between threads. {@link ResourceTypes#registry()} is this build's; a test that declares a policy type
 * of its own extends a copy ({@link #withPolicy}) and hands it to what it drives, so nothing shared changes.
 */
public final class TypeRegistry {
    private final List<ResourceType> core;
    private final List<ResourceType> internal;
    private final List<PolicyType> policyTypes;
    private final List<ResourceType> all;
    private final Map<String, ResourceType> byName = new HashMap<>();
    private final Map<String, ResourceType> byPlural = new HashMap<>();

    /**
     * @param core        the public types that are not policies (REST, KDS, change events), in listing order
     * @param internal    types found by name only (stores read their rows back), never listed, synced or exported
     * @param policyTypes the policy types, in registration order
     */
    public TypeRegistry(List<ResourceType> core, List<ResourceType> internal, List<PolicyType> policyTypes) {
        this.core = List.copyOf(core);
        this.internal = List.copyOf(internal);
        this.policyTypes = List.copyOf(policyTypes);
        List<ResourceType> listed = new ArrayList<>(this.core);
        this.policyTypes.forEach(p -> listed.add(p.type()));
        this.all = List.copyOf(listed);
        Set<Integer> orders = new HashSet<>();
        for (PolicyType p : this.policyTypes) {
            if (!orders.add(p.order())) {
                throw new IllegalArgumentException("two policy types have order " + p.order() + " (" + p.name() + ")");
            }
        }
        for (ResourceType t : this.core) {
            if (t.policy()) throw new IllegalArgumentException(t.name() + " is a policy: register it by its PolicyType");
        }
        for (ResourceType t : all) {
            if (byPlural.put(t.plural(), t) != null) throw new IllegalArgumentException("two types have the plural " + t.plural());
        }
        for (ResourceType t : concat(all, this.internal)) {
            if (byName.put(t.name(), t) != null) throw new IllegalArgumentException("two types are named " + t.name());
        }
    }

    /** A copy with one more policy type. */
    public TypeRegistry withPolicy(PolicyType extra) {
        List<PolicyType> more = new ArrayList<>(policyTypes);
        more.add(extra);
        return new TypeRegistry(core, internal, more);
    }

    /** Every public type: the core types, then the policies in registration order. */
    public List<ResourceType> all() {
        return all;
    }

    /** The policy types in registration order. */
    public List<PolicyType> policyTypes() {
        return policyTypes;
    }

    /** The policy types in the order their xDS plugins run ({@link PolicyType#order()}). */
    public List<PolicyType> inPluginOrder() {
        return policyTypes.stream().sorted(Comparator.comparingInt(PolicyType::order)).toList();
    }

    /** The resource types of the policies, in registration order. */
    public List<ResourceType> policies() {
        return policyTypes.stream().map(PolicyType::type).toList();
    }

    /** Every public type, and the internal ones (stores need them to read their rows back). */
    public Optional<ResourceType> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<ResourceType> byPlural(String plural) {
        return Optional.ofNullable(byPlural.get(plural));
    }

    /** Whether a type name is a public type of this registry (not internal, not unknown). */
    public boolean isPublic(String typeName) {
        ResourceType t = byName.get(typeName);
        return t != null && all.contains(t);
    }

    /**
     * Whether changes of a type may leave the control plane as change events ({@code /events}, the Kafka export): a
     * public type that is not {@link ResourceType#sensitive() sensitive}.
     */
    public boolean isExportable(String typeName) {
        return isPublic(typeName) && !byName.get(typeName).sensitive();
    }

    /** Mesh-scoped public types, i.e. those deleted together with their mesh. */
    public List<ResourceType> meshScoped() {
        return all.stream().filter(ResourceType::meshScoped).toList();
    }

    private static List<ResourceType> concat(List<ResourceType> a, List<ResourceType> b) {
        List<ResourceType> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
