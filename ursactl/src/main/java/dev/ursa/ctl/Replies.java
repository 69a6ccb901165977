package dev.ursa.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How a command ends, in one place: its result on stdout (flushed) and the exit code scripts read. Errors end it by
 * throwing {@link CliException}, which {@link Ursactl} prints with the server's field paths and turns into its code.
 */
final class Replies {
    private Replies() {
    }

    /** A command group called without a subcommand: its usage on stderr, {@link ExitCodes#USAGE}. */
    static int usage(CommandSpec spec) {
        spec.commandLine().usage(Ursactl.context(spec).err());
        return ExitCodes.USAGE;
    }

    /** A one-line confirmation (or a token) on stdout, {@link ExitCodes#OK}. */
    static int done(CommandSpec spec, String line) {
        Context ctx = Ursactl.context(spec);
        ctx.out().println(line);
        ctx.out().flush();
        return ExitCodes.OK;
    }

    /** {@code json} as YAML or JSON, or {@code table} printing its own rows; {@link ExitCodes#OK}. */
    static int print(Context ctx, Output.Format format, JsonNode json, Runnable table) {
        switch (format) {
            case yaml -> ctx.out().print(Output.yaml(json));
            case json -> ctx.out().print(Output.json(json));
            case table -> table.run();
        }
        ctx.out().flush();
        return ExitCodes.OK;
    }
}
