package dev.ursa.mesh.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Envoy's message types by type URL, looked up in the Envoy API jar (java-control-plane's {@code api}) by name, as Go's
 * global proto registry answers Kuma: {@code type.googleapis.com/envoy.extensions.filters.http.router.v3.Router} is the
 * class {@code io.envoyproxy.envoy.extensions.filters.http.router.v3.Router}. Covers the proto packages that jar ships
 * ({@code envoy.*}, {@code xds.*}, {@code udpa.*}, {@code google.protobuf.*}, {@code google.rpc.*}); only generated
 * message classes of those packages are ever loaded, so a user's type URL cannot name any other class. Thread-safe;
 * found types are cached (bounded by what the jar holds), and so are registries of them (capped).
 */
public final class EnvoyTypes {
    /** Proto package prefix -> Java package prefix (the protos' {@code java_package} options). */
    private static final List<Map.Entry<String, String>> PACKAGES = List.of(
            Map.entry("envoy.", "io.envoyproxy.envoy."),
            Map.entry("xds.", "com.github.xds."),
            Map.entry("udpa.", "com.github.udpa.udpa."),
            Map.entry("google.protobuf.", "com.google.protobuf."),
            Map.entry("google.rpc.", "com.google.rpc."));
    private static final Pattern FULL_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){1,20}$");
    private static final Map<String, Descriptor> FOUND = new ConcurrentHashMap<>();
    /** Registries by the set of types they were built from; capped, as the sets come from users' documents. */
    private static final Map<Set<Descriptor>, JsonFormat.TypeRegistry> REGISTRIES = new ConcurrentHashMap<>();
    private static final int MAX_REGISTRIES = 512;

    private EnvoyTypes() {
    }

    /** The message type a type URL names (what follows its last {@code /}), or empty when the Envoy API has none. */
    public static Optional<Descriptor> find(String typeUrl) {
        String name = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
        if (name.length() > 300 || !FULL_NAME.matcher(name).matches()) return Optional.empty();
        Descriptor known = FOUND.get(name);
        if (known != null) return Optional.of(known);
        Optional<Descriptor> d = load(name);
        d.ifPresent(found -> FOUND.put(name, found));
        return d;
    }

    private static Optional<Descriptor> load(String name) {
        for (Map.Entry<String, String> p : PACKAGES) {
            if (!name.startsWith(p.getKey())) continue;
            String javaName = p.getValue() + name.substring(p.getKey().length());
            // a nested message is Outer$Inner: try the plain name first, then move '.' to '$' from the right
            for (int nested = 0; nested < 4; nested++) {
                Optional<Descriptor> d = descriptorOf(javaName, name);
                if (d.isPresent()) return d;
                int dot = javaName.lastIndexOf('.');
                if (dot < 0) break;
                javaName = javaName.substring(0, dot) + "$" + javaName.substring(dot + 1);
            }
        }
        return Optional.empty();
    }

    private static Optional<Descriptor> descriptorOf(String className, String fullName) {
        try {
            Class<?> c = Class.forName(className, false, EnvoyTypes.class.getClassLoader());
            if (!Message.class.isAssignableFrom(c)) return Optional.empty();
            java.lang.reflect.Method m = c.getMethod("getDescriptor");
            if (!java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getReturnType() != Descriptor.class) return Optional.empty();
            Descriptor d = (Descriptor) m.invoke(null);
            return d.getFullName().equals(fullName) ? Optional.of(d) : Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A registry for parsing {@code json}: every type an {@code "@type"} in it names (what cannot be found is left out). */
    public static JsonFormat.TypeRegistry registryFor(JsonNode json) {
        return registryFor(json, List.of());
    }

    /** {@code base} plus every type an {@code "@type"} in {@code json} names. */
    public static JsonFormat.TypeRegistry registryFor(JsonNode json, List<Descriptor> base) {
        Set<Descriptor> types = new LinkedHashSet<>(base);
        collect(json, types);
        return registry(types);
    }

    /**
     * A registry of exactly these types (and what their files import), shared between calls: building one walks every
     * imported file, thousands of types for Envoy's, so the few distinct sets a zone sees are built once each.
     */
    private static JsonFormat.TypeRegistry registry(Set<Descriptor> types) {
        JsonFormat.TypeRegistry known = REGISTRIES.get(types);
        if (known != null) return known;
        JsonFormat.TypeRegistry built = JsonFormat.TypeRegistry.newBuilder().add(types).build();
        if (REGISTRIES.size() < MAX_REGISTRIES) REGISTRIES.putIfAbsent(Set.copyOf(types), built);
        return built;
    }

    /** Every {@code "@type"} value in {@code json}, at any depth. */
    public static Set<String> typeUrls(JsonNode json) {
        Set<String> urls = new LinkedHashSet<>();
        collectUrls(json, urls);
        return urls;
    }

    private static void collectUrls(JsonNode node, Set<String> urls) {
        if (node.isObject()) {
            JsonNode t = node.get("@type");
            if (t != null && t.isTextual()) urls.add(t.asText());
        }
        if (node.isContainerNode()) node.forEach(child -> collectUrls(child, urls));
    }

    private static void collect(JsonNode node, Set<Descriptor> types) {
        if (node.isObject()) {
            JsonNode t = node.get("@type");
            if (t != null && t.isTextual()) find(t.asText()).ifPresent(types::add);
            node.forEach(child -> collect(child, types));
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, types));
        }
    }

    /** A registry for printing {@code message}: {@code base} plus every type packed in its {@code Any} fields, at any depth. */
    public static JsonFormat.TypeRegistry registryFor(MessageOrBuilder message, List<Descriptor> base) {
        Set<Descriptor> types = new LinkedHashSet<>(base);
        collect(message, types);
        return registry(types);
    }

    private static void collect(MessageOrBuilder m, Set<Descriptor> types) {
        Descriptor d = m.getDescriptorForType();
        if (d.getFullName().equals(Any.getDescriptor().getFullName())) {
            String url = (String) m.getField(d.findFieldByName("type_url"));
            Optional<Descriptor> packed = find(url);
            if (packed.isEmpty()) return;
            types.add(packed.get());
            try {
                collect(DynamicMessage.parseFrom(packed.get(), (ByteString) m.getField(d.findFieldByName("value"))), types);
            } catch (InvalidProtocolBufferException e) {
                // printing reports it
            }
            return;
        }
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) continue;
            if (e.getKey().isRepeated()) {
                for (Object item : (List<?>) e.getValue()) collect((MessageOrBuilder) item, types);
            } else {
                collect((MessageOrBuilder) e.getValue(), types);
            }
        }
    }
}
