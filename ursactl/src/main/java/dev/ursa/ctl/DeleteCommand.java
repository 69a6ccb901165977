package dev.ursa.ctl;

import dev.ursa.mesh.model.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    MeshOption mesh;

    @Override
    public Integer call() {
        ResourceType t = Kinds.resolve(type);
        server.client(Ursactl.context(spec)).delete(Kinds.item(t, mesh.name(), name));
        return Replies.done(spec, t.name() + " " + (t.meshScoped() ? mesh.name() + "/" : "") + name + " deleted");
    }
}
