package dev.ursa.ctl;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code ursactl}: the command line for a global or zone control plane's admin API (docs/cli.md). */
@Command(name = "ursactl", mixinStandardHelpOptions = true, version = "ursactl 0.1.0",
        description = "Manages Ursa control planes through their admin REST API.",
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.REFUSED,
        subcommands = {ApplyCommand.class, GetCommand.class, DeleteCommand.class, InspectCommand.class,
                GenerateCommand.class, ConfigCommand.class, AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class})
public final class Ursactl implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    final Context context;

    Ursactl(Context context) {
        this.context = context;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        // Colour only when a person is watching: a console attached, NO_COLOR unset, not a dumb terminal.
        boolean colour = onTerminal() && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        System.exit(execute(new Context(out, err, System.in, System.getenv(), colour), args));
    }

    /**
     * Whether a person is watching. From JDK 22 {@code System.console()} may be non-null with redirected streams; its
     * {@code isTerminal()} (JDK 22+, so called reflectively at language level 21) tells.
     */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }

    /** Runs the command line and returns the exit code ({@link ExitCodes}). */
    public static int execute(Context context, String... args) {
        CommandLine cl = new CommandLine(new Ursactl(context));
        cl.setOut(context.out());
        cl.setErr(context.err());
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(context.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CliException c) {
                report(context, c);
                return c.exitCode();
            }
            context.err().println(context.red("Error: ") + e);
            context.err().flush();
            return ExitCodes.REFUSED;
        });
        int code = cl.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    /** {@code Error: <message>} and one indented line per cause, field path first. */
    static void report(Context ctx, CliException e) {
        ctx.err().println(ctx.red("Error: ") + e.getMessage());
        for (CliException.Cause c : e.causes()) {
            ctx.err().println("  " + (c.field() == null || c.field().isEmpty() ? "" : ctx.bold(c.field()) + ": ") + c.message());
        }
        ctx.err().flush();
    }

    @Override
    public Integer call() {
        return Replies.usage(spec);
    }

    /** The run's context, from any subcommand. */
    static Context context(CommandSpec spec) {
        return ((Ursactl) spec.root().userObject()).context;
    }
}
