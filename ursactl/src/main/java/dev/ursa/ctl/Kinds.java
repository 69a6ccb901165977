package dev.ursa.ctl;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Collectors;

/** Resource types as the command line names them (the REST API's plurals, or a type name) and their API paths. */
final class Kinds {
    private Kinds() {
    }

    /** {@code meshtimeouts}, {@code meshtimeout} or {@code MeshTimeout}. */
    static ResourceType resolve(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return ResourceTypes.all().stream()
                .filter(t -> ResourceTypes.isPublic(t.name()))
                .filter(t -> t.plural().equals(w) || t.name().toLowerCase(Locale.ROOT).equals(w))
                .findFirst()
                .orElseThrow(() -> CliException.usage("unknown resource type \"" + word + "\"; known: " + known()));
    }

    static String known() {
        return ResourceTypes.all().stream().filter(t -> ResourceTypes.isPublic(t.name())).map(ResourceType::plural)
                .sorted().collect(Collectors.joining(", "));
    }

    /** The collection: {@code /meshes}, {@code /meshes/{mesh}/{plural}} or {@code /{plural}}. */
    static String collection(ResourceType t, String mesh) {
        if (t.plural().equals("meshes")) return "/meshes";
        return t.meshScoped() ? "/meshes/" + enc(mesh) + "/" + t.plural() : "/" + t.plural();
    }

    static String item(ResourceType t, String mesh, String name) {
        return collection(t, mesh) + "/" + enc(name);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
