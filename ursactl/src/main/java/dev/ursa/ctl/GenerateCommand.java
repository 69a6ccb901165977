package dev.ursa.ctl;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code generate ...-token}: the server's token endpoints ({@code POST /tokens/...}), the token on stdout. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Mints tokens (admin only).",
        subcommands = {GenerateCommand.ZoneToken.class, GenerateCommand.DataplaneToken.class, GenerateCommand.UserToken.class})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Replies.usage(spec);
    }

    static int mint(CommandSpec spec, ServerOptions server, String path, ObjectNode body) {
        return Replies.done(spec, server.client(Ursactl.context(spec)).postForText(path, body).body().strip());
    }

    @Command(name = "zone-token", mixinStandardHelpOptions = true, description = "A zone token (global only): POST /tokens/zone.")
    static final class ZoneToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Option(names = "--zone", required = true, paramLabel = "NAME", description = "The zone it is for.")
        String zone;
        @Option(names = "--scope", split = ",", paramLabel = "SCOPE", description = "cp (default) or ingress; repeatable.")
        List<String> scope = new ArrayList<>();
        @Option(names = "--valid-for", paramLabel = "DURATION", description = "e.g. 8760h (the server's default: a year).")
        String validFor;

        @Override
        public Integer call() {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("zone", zone);
            if (!scope.isEmpty()) scope.forEach(body.putArray("scope")::add);
            if (validFor != null) body.put("validFor", validFor);
            return mint(spec, server, "/tokens/zone", body);
        }
    }

    @Command(name = "dataplane-token", mixinStandardHelpOptions = true, description = "A dataplane token (global or zone): POST /tokens/dataplane.")
    static final class DataplaneToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Mixin
        MeshOption mesh;
        @Option(names = "--name", paramLabel = "NAME", description = "The dataplane's name; without it the token is valid for any dataplane of the mesh.")
        String name;
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag value the dataplane's inbounds must have (repeatable; several values per key allowed).")
        List<String> tags = new ArrayList<>();
        @Option(names = "--valid-for", paramLabel = "DURATION", description = "e.g. 24h (the server's default: a year).")
        String validFor;

        @Override
        public Integer call() {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("mesh", mesh.name()).put("type", "dataplane");
            if (name != null) body.put("name", name);
            Map<String, List<String>> byKey = new LinkedHashMap<>();
            for (String t : tags) {
                int eq = t.indexOf('=');
                if (eq <= 0) throw CliException.usage("--tag " + t + ": expected KEY=VALUE");
                byKey.computeIfAbsent(t.substring(0, eq), k -> new ArrayList<>()).add(t.substring(eq + 1));
            }
            if (!byKey.isEmpty()) {
                ObjectNode tagNode = body.putObject("tags");
                byKey.forEach((k, vs) -> vs.forEach(tagNode.putArray(k)::add));
            }
            if (validFor != null) body.put("validFor", validFor);
            return mint(spec, server, "/tokens/dataplane", body);
        }
    }

    @Command(name = "user-token", mixinStandardHelpOptions = true, description = "A user token for the admin API (global or zone): POST /tokens/user.")
    static final class UserToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions server;
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who it is for.")
        String name;
        @Option(names = "--group", split = ",", paramLabel = "GROUP", description = "mesh-system:admin or mesh-system:readonly; repeatable.")
        List<String> groups = new ArrayList<>();
        @Option(names = "--valid-for", paramLabel = "DURATION", description = "e.g. 24h (the server's default).")
        String validFor;

        @Override
        public Integer call() {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name);
            if (!groups.isEmpty()) groups.forEach(body.putArray("groups")::add);
            if (validFor != null) body.put("validFor", validFor);
            return mint(spec, server, "/tokens/user", body);
        }
    }
}
