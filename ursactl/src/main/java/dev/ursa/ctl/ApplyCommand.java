package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.validation.ValidationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code apply -f FILE|DIR|-}: every document is parsed and checked with the control plane's own codec and validators
 * first; nothing is sent when any is invalid. Then each is PUT; a PUT equal to what is stored changes nothing on the
 * server (same version), reported as {@code unchanged}.
 */
@Command(name = "apply", mixinStandardHelpOptions = true, description = "Creates or updates resources from YAML/JSON documents (separated by ---).")
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ServerOptions server;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE|DIR|-",
            description = "A file, a directory (its .yaml, .yml and .json files, by name) or - for stdin.")
    String file;

    @Option(names = {"-v", "--var"}, paramLabel = "KEY=VALUE", description = "Replaces {{ KEY }} in the documents (as kumactl; repeatable).")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(names = "--dry-run", description = "Parses, substitutes and validates on this side only, prints the documents; sends nothing.")
    boolean dryRun;

    private record Item(String source, Resource resource, JsonNode node) {
    }

    @Override
    public Integer call() {
        Context ctx = Ursactl.context(spec);
        Documents.Read read = Documents.read(file, ctx.in(), vars);
        List<Item> items = new ArrayList<>();
        int invalid = read.problems().size();
        for (Documents.Problem p : read.problems()) {
            printInvalid(ctx, p.source(), p.message(), p.causes());
        }
        for (Documents.Document d : read.documents()) {
            try {
                Resource r = ResourceCodec.decode(d.node());
                ResourceValidation.validate(r);
                items.add(new Item(d.source(), r, d.node()));
            } catch (ValidationException e) {
                invalid++;
                printInvalid(ctx, d.source(), e.title(), e.violations().stream().map(v -> new CliException.Cause(v.field(), v.message())).toList());
            }
        }
        if (invalid > 0) {
            throw CliException.refused(invalid + " of " + (read.documents().size() + read.problems().size())
                    + " documents are not valid; nothing was applied");
        }
        if (items.isEmpty()) throw CliException.usage("no document in " + file);
        // Meshes first: every other resource of a mesh needs it.
        items.sort(Comparator.comparingInt(i -> i.resource().type().plural().equals("meshes") ? 0 : 1));
        if (dryRun) {
            Output.yamlDocuments(ctx.out(), items.stream().map(Item::node).toList());
            ctx.err().println(items.size() + " documents valid (dry run: checked by ursactl with the control plane's validators; the server "
                    + "has no validate-only endpoint, so server-side checks such as the mesh existing were not made; nothing was sent)");
            return ExitCodes.OK;
        }
        ApiClient api = server.client(ctx);
        boolean progress = items.size() > 1;
        int created = 0, updated = 0, unchanged = 0, failed = 0, n = 0;
        for (Item item : items) {
            n++;
            Resource r = item.resource();
            String path = Kinds.item(r.type(), r.meta().mesh(), r.meta().name());
            String what = r.type().name() + " " + (r.type().meshScoped() ? r.meta().mesh() + "/" : "") + r.meta().name();
            String prefix = progress ? "[" + n + "/" + items.size() + "] " : "";
            try {
                long before = api.find(path).map(x -> x.json().path("version").asLong(-1)).orElse(-1L);
                ApiClient.Response resp = api.put(path, item.node());
                long after = resp.json().path("version").asLong(-2);
                String outcome;
                if (resp.status() == 201 || before < 0) {
                    outcome = ctx.green("created");
                    created++;
                } else if (after == before) {
                    outcome = "unchanged";
                    unchanged++;
                } else {
                    outcome = ctx.yellow("updated");
                    updated++;
                }
                ctx.out().println(prefix + what + " " + outcome);
                for (String w : resp.warnings()) ctx.err().println(ctx.yellow("Warning: ") + what + ": " + w);
            } catch (CliException e) {
                if (e.exitCode() == ExitCodes.CONNECTION) throw e;
                failed++;
                ctx.out().println(prefix + what + " " + ctx.red("failed"));
                printInvalid(ctx, item.source(), e.getMessage(), e.causes());
            }
            ctx.out().flush();
        }
        if (progress) {
            ctx.out().println(items.size() + " resources: " + created + " created, " + updated + " updated, " + unchanged + " unchanged"
                    + (failed > 0 ? ", " + failed + " failed" : ""));
        }
        if (failed > 0) throw CliException.refused(failed + " of " + items.size() + " resources were refused");
        return ExitCodes.OK;
    }

    private static void printInvalid(Context ctx, String source, String message, List<CliException.Cause> causes) {
        ctx.err().println(ctx.red("Error: ") + source + ": " + message);
        for (CliException.Cause c : causes) {
            ctx.err().println("  " + (c.field().isEmpty() ? "" : ctx.bold(c.field()) + ": ") + c.message());
        }
        ctx.err().flush();
    }
}
