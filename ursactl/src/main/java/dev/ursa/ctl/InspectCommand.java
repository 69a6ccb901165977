package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code inspect ...}: what the API tells about state today (zone overview, dataplane insights, counts per mesh). */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Shows the state of meshes, zones and dataplanes.",
        subcommands = {InspectCommand.Meshes.class, InspectCommand.Zones.class, InspectCommand.Dataplanes.class, InspectCommand.Dataplane.class,
                InspectCommand.Policies.class})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Replies.usage(spec);
    }

    @Command(name = "meshes", mixinStandardHelpOptions = true, description = "Meshes with their mTLS backend and how many dataplanes and policies each has.")
    static final class Meshes implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            Context ctx = Ursactl.context(spec);
            ApiClient api = server.client(ctx);
            List<JsonNode> meshes = api.list("/meshes");
            Map<String, Integer> dataplanes = countByMesh(api.list("/dataplanes"));
            Map<String, Map<String, Integer>> policies = new HashMap<>();
            for (ResourceType t : ResourceTypes.policies()) {
                countByMesh(api.list("/" + t.plural())).forEach((mesh, n) -> policies.computeIfAbsent(mesh, m -> new java.util.TreeMap<>()).put(t.name(), n));
            }
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            var items = json.putArray("items");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode m : meshes) {
                String name = m.path("name").asText();
                String mtls = m.path("mtls").path("enabledBackend").asText("off");
                int dps = dataplanes.getOrDefault(name, 0);
                Map<String, Integer> ps = policies.getOrDefault(name, Map.of());
                int total = ps.values().stream().mapToInt(Integer::intValue).sum();
                ObjectNode item = items.addObject().put("name", name).put("mtls", mtls).put("dataplanes", dps).put("policies", total);
                ObjectNode perType = item.putObject("policiesByType");
                ps.forEach(perType::put);
                rows.add(List.of(name, mtls, String.valueOf(dps), String.valueOf(total), Output.age(m.get("creationTime"), Clock.systemUTC())));
            }
            json.put("total", meshes.size());
            return Replies.print(ctx, output.format(), json, () -> Output.table(ctx.out(), List.of("NAME", "MTLS", "DATAPLANES", "POLICIES", "AGE"), rows));
        }

        private static Map<String, Integer> countByMesh(List<JsonNode> items) {
            Map<String, Integer> counts = new HashMap<>();
            items.forEach(i -> counts.merge(i.path("mesh").asText(), 1, Integer::sum));
            return counts;
        }
    }

    @Command(name = "zones", mixinStandardHelpOptions = true, description = "Zones (global only): online or offline, their zone CP version, last connect and NACKs.")
    static final class Zones implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            Context ctx = Ursactl.context(spec);
            ApiClient api = server.client(ctx);
            List<JsonNode> zones;
            try {
                zones = api.list("/zones/_overview");
            } catch (ApiClient.NotFound e) {
                throw new CliException(ExitCodes.REFUSED, e.getMessage() + " (zone overviews are served by the global control plane)", e.causes());
            }
            ObjectNode json = JsonNodeFactory.instance.objectNode().put("total", zones.size());
            json.putArray("items").addAll(zones);
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode z : zones) {
                JsonNode subs = z.path("zoneInsight").path("subscriptions");
                JsonNode last = subs.isArray() && !subs.isEmpty() ? subs.get(subs.size() - 1) : JsonNodeFactory.instance.objectNode();
                rows.add(List.of(z.path("name").asText(), z.path("state").asText(""), String.valueOf(z.path("enabled").asBoolean(true)),
                        last.path("zoneCpVersion").asText(""), last.path("connectTime").asText(""), nacks(last)));
            }
            return Replies.print(ctx, output.format(), json, () -> Output.table(ctx.out(), List.of("NAME", "STATE", "ENABLED", "ZONE-CP-VERSION", "LAST-CONNECT", "LAST-NACK"), rows));
        }

        /** The last NACK error of the subscription's per-type stats, if any. */
        private static String nacks(JsonNode subscription) {
            List<String> errors = new ArrayList<>();
            subscription.path("status").path("stat").properties().forEach(e -> {
                String err = e.getValue().path("lastNackError").asText("");
                if (!err.isEmpty()) errors.add(err);
            });
            return String.join("; ", errors);
        }
    }

    @Command(name = "dataplanes", mixinStandardHelpOptions = true,
            description = "Dataplanes of a mesh: online or offline, zone, last connect, last NACK and render state (GET /meshes/{mesh}/dataplanes/_overview).")
    static final class Dataplanes implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Mixin
        MeshOption mesh;
        @Mixin
        OutputOption output;
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Only dataplanes with an inbound (or gateway) tag of this value; repeatable, all must match.")
        List<String> tags = new ArrayList<>();
        @Option(names = "--zone", paramLabel = "NAME", description = "Only the dataplanes of this zone.")
        String zone;
        @Option(names = "--state", paramLabel = "online|offline", description = "Only online or only offline dataplanes.")
        String state;

        @Override
        public Integer call() {
            Context ctx = Ursactl.context(spec);
            List<JsonNode> overviews = server.client(ctx).list("/meshes/" + Kinds.enc(mesh.name()) + "/dataplanes/_overview" + query());
            ObjectNode json = JsonNodeFactory.instance.objectNode().put("total", overviews.size());
            json.putArray("items").addAll(overviews);
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode o : overviews) {
                JsonNode insight = o.path("dataplaneInsight");
                JsonNode subs = insight.path("subscriptions");
                JsonNode last = subs.isArray() && !subs.isEmpty() ? subs.get(subs.size() - 1) : JsonNodeFactory.instance.objectNode();
                JsonNode nack = last.path("status").path("lastNack");
                JsonNode renderError = insight.path("renderError");
                String config = renderError.isMissingNode() ? "ok"
                        : "render error (" + renderError.path("type").asText("") + "): " + renderError.path("message").asText("");
                rows.add(List.of(o.path("mesh").asText(), o.path("name").asText(), o.path("zone").asText(""), o.path("state").asText(""),
                        o.path("dataplane").path("networking").path("address").asText(""), GetCommand.services(o.path("dataplane")),
                        last.path("connectTime").asText(""), nack.isMissingNode() ? "" : nack.path("error").asText(""), config));
            }
            return Replies.print(ctx, output.format(), json, () -> Output.table(ctx.out(),
                    List.of("MESH", "NAME", "ZONE", "STATE", "ADDRESS", "SERVICES", "LAST-CONNECT", "LAST-NACK", "CONFIG"), rows));
        }

        /** The server's filters: {@code tag=KEY:VALUE} (repeated), {@code zone}, {@code state}; the server checks the values. */
        private String query() {
            List<String> params = new ArrayList<>();
            for (String t : tags) {
                int eq = t.indexOf('=');
                if (eq <= 0) throw CliException.usage("--tag " + t + ": expected KEY=VALUE");
                params.add("tag=" + Kinds.enc(t.substring(0, eq) + ":" + t.substring(eq + 1)));
            }
            if (zone != null) params.add("zone=" + Kinds.enc(zone));
            if (state != null) params.add("state=" + Kinds.enc(state));
            return params.isEmpty() ? "" : "?" + String.join("&", params);
        }
    }

    @Command(name = "dataplane", mixinStandardHelpOptions = true,
            description = "One dataplane's xDS configuration (--config) or the policies that select it (--policies); at the global, name a zone's dataplane <zone>.<name>.")
    static final class Dataplane implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Mixin
        MeshOption mesh;
        @Option(names = "--config", description = "The xDS configuration it receives (default).")
        boolean config;
        @Option(names = "--policies", description = "The policies that select it, and why.")
        boolean policies;
        @Option(names = "--flavour", paramLabel = "envoy|proxyless", description = "For a dataplane that is not connected.")
        String flavour;
        @Option(names = {"-o", "--output"}, defaultValue = "yaml", paramLabel = "FORMAT", description = "yaml or json (default: ${DEFAULT-VALUE}).")
        Output.Format output;

        @Override
        public Integer call() {
            if (config && policies) throw CliException.usage("--config and --policies exclude each other");
            if (output == Output.Format.table) throw CliException.usage("inspect dataplane prints yaml or json");
            Context ctx = Ursactl.context(spec);
            String path = "/meshes/" + Kinds.enc(mesh.name()) + "/dataplanes/" + Kinds.enc(name) + (policies ? "/_policies" : "/_config")
                    + (flavour == null ? "" : "?flavour=" + Kinds.enc(flavour));
            JsonNode answer = server.client(ctx).get(path).json();
            return Replies.print(ctx, output, answer, () -> { });
        }
    }

    @Command(name = "policies", mixinStandardHelpOptions = true, description = "Every policy of a mesh, of every type, with what it targets.")
    static final class Policies implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Mixin
        MeshOption mesh;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            Context ctx = Ursactl.context(spec);
            ApiClient api = server.client(ctx);
            api.get("/meshes/" + Kinds.enc(mesh.name())); // a 404 naming the mesh rather than an empty list
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            var items = json.putArray("items");
            List<List<String>> rows = new ArrayList<>();
            for (ResourceType t : ResourceTypes.policies()) {
                for (JsonNode p : api.list(Kinds.collection(t, mesh.name()))) {
                    items.add(p);
                    rows.add(List.of(t.name(), p.path("name").asText(), target(p.path("spec").path("targetRef")),
                            Output.text(p, "version"), Output.age(p.get("creationTime"), Clock.systemUTC())));
                }
            }
            json.put("total", items.size());
            return Replies.print(ctx, output.format(), json, () -> Output.table(ctx.out(), List.of("TYPE", "NAME", "TARGET", "VERSION", "AGE"), rows));
        }

        /** {@code Mesh}, {@code MeshService/backend}, {@code Dataplane{app=web}}; absent: Mesh (Kuma's default). */
        static String target(JsonNode ref) {
            if (ref.isMissingNode() || ref.isNull()) return "Mesh";
            StringBuilder s = new StringBuilder(ref.path("kind").asText(""));
            if (ref.hasNonNull("name")) s.append('/').append(ref.get("name").asText());
            JsonNode selector = ref.has("labels") ? ref.get("labels") : ref.get("tags");
            if (selector != null && selector.isObject() && !selector.isEmpty()) {
                List<String> kv = new ArrayList<>();
                selector.properties().forEach(e -> kv.add(e.getKey() + "=" + e.getValue().asText()));
                s.append('{').append(String.join(",", kv)).append('}');
            }
            return s.toString();
        }
    }
}
