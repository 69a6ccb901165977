package dev.ursa.ctl;

import dev.ursa.mesh.model.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code delete TYPE NAME}. Deleting a mesh deletes everything in it (the server does it atomically). */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes one resource.")
final class DeleteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "TYPE", description = "e.g. meshtimeouts, dataplanes, meshes")
    String type;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Option(names = {"-m", "--mesh"}, defaultValue = "default", paramLabel = "MESH", description = "The mesh (default: ${DEFAULT-VALUE}).")
    String mesh;

    @Override
    public Integer call() {
        Context ctx = Ursactl.context(spec);
        ResourceType t = Kinds.resolve(type);
        server.client(ctx).delete(Kinds.item(t, mesh, name));
        ctx.out().println(t.name() + " " + (t.meshScoped() ? mesh + "/" : "") + name + " deleted");
        ctx.out().flush();
        return ExitCodes.OK;
    }
}
