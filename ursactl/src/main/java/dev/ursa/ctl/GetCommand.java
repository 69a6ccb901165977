package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.model.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code get TYPE [NAME]}: one resource or a list (all pages), as a table, YAML or JSON. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Shows resources of a type (plural as in the REST API: meshes, dataplanes, meshtimeouts, ...).")
final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "TYPE", description = "e.g. meshes, dataplanes, meshtimeouts, zones")
    String type;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
    String name;

    @Mixin
    MeshOption mesh;

    @Option(names = {"-A", "--all-meshes"}, description = "List the type across all meshes.")
    boolean allMeshes;

    @Option(names = {"-l", "--selector"}, split = ",", paramLabel = "KEY=VALUE", description = "Only resources with these labels (all must match).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Context ctx = Ursactl.context(spec);
        ResourceType t = Kinds.resolve(type);
        ApiClient api = server.client(ctx);
        if (name != null) {
            if (!labels.isEmpty()) throw CliException.usage("-l selects from a list; it cannot be combined with NAME");
            JsonNode item = api.get(Kinds.item(t, mesh.name(), name)).json();
            return Replies.print(ctx, output.format(), item, () -> printTable(ctx, t, List.of(item)));
        }
        String path = allMeshes && t.meshScoped() ? "/" + t.plural() : Kinds.collection(t, mesh.name());
        path += filter(labels);
        List<JsonNode> items = api.list(path);
        switch (output.format()) {
            case yaml -> Output.yamlDocuments(ctx.out(), items);
            case json -> {
                ObjectNode list = JsonNodeFactory.instance.objectNode();
                list.put("total", items.size());
                list.putArray("items").addAll(items);
                ctx.out().print(Output.json(list));
            }
            case table -> printTable(ctx, t, items);
        }
        ctx.out().flush();
        return ExitCodes.OK;
    }

    /** {@code ?filter[labels.K]=V&...}, brackets percent-encoded. */
    static String filter(Map<String, String> labels) {
        if (labels.isEmpty()) return "";
        StringBuilder q = new StringBuilder();
        labels.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(Kinds.enc("filter[labels." + k + "]")).append('=').append(Kinds.enc(v)));
        return q.toString();
    }

    static void printTable(Context ctx, ResourceType t, List<JsonNode> items) {
        Clock clock = Clock.systemUTC();
        List<String> header = new ArrayList<>();
        if (t.meshScoped()) header.add("MESH");
        header.add("NAME");
        boolean dataplane = t.plural().equals("dataplanes");
        boolean meshes = t.plural().equals("meshes");
        if (dataplane) header.addAll(List.of("ADDRESS", "SERVICES"));
        if (meshes) header.add("MTLS");
        header.addAll(List.of("VERSION", "AGE"));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode i : items) {
            List<String> row = new ArrayList<>();
            if (t.meshScoped()) row.add(Output.text(i, "mesh"));
            row.add(Output.text(i, "name"));
            if (dataplane) {
                row.add(i.path("networking").path("address").asText(""));
                row.add(services(i));
            }
            if (meshes) row.add(i.path("mtls").path("enabledBackend").asText("off"));
            row.add(Output.text(i, "version"));
            row.add(Output.age(i.get("creationTime"), clock));
            rows.add(row);
        }
        Output.table(ctx.out(), header, rows);
    }

    /** The {@code kuma.io/service} tags of a Dataplane's inbounds (or its gateway). */
    static String services(JsonNode dataplane) {
        List<String> s = new ArrayList<>();
        JsonNode net = dataplane.path("networking");
        net.path("inbound").forEach(in -> {
            String v = in.path("tags").path("kuma.io/service").asText("");
            if (!v.isEmpty() && !s.contains(v)) s.add(v);
        });
        String gw = net.path("gateway").path("tags").path("kuma.io/service").asText("");
        if (!gw.isEmpty() && !s.contains(gw)) s.add(gw);
        return String.join(",", s);
    }
}
