package dev.ursa.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code config control-planes add|use|list|remove}: the config file ({@code URSACTL_CONFIG} or ~/.ursactl/config.yaml). */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Manages ursactl's configuration.",
        subcommands = {ConfigCommand.ControlPlanes.class})
final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Replies.usage(spec);
    }

    @Command(name = "control-planes", mixinStandardHelpOptions = true, description = "The control planes ursactl knows.",
            subcommands = {Add.class, Use.class, ListCps.class, Remove.class})
    static final class ControlPlanes implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return Replies.usage(spec);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a control plane and makes it the current one.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;
        @Option(names = "--address", required = true, paramLabel = "URL", description = "Its admin API, e.g. https://global.example:5681.")
        String address;
        @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM CA that signed its certificate (https).")
        Path caFile;
        @Option(names = "--token", paramLabel = "TOKEN", description = "A user token.")
        String token;
        @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the user token (read once, stored in the config).")
        Path tokenFile;
        @Option(names = "--overwrite", description = "Replace a control plane of the same name.")
        boolean overwrite;

        @Override
        public Integer call() {
            Context ctx = Ursactl.context(spec);
            if (token != null && tokenFile != null) throw CliException.usage("--token and --token-file exclude each other");
            new ApiClient(address, null, null); // checks the address' scheme
            String t = token;
            if (tokenFile != null) {
                try {
                    t = Files.readString(tokenFile).strip();
                } catch (IOException e) {
                    throw CliException.usage("cannot read " + tokenFile + ": " + e.getMessage());
                }
            }
            if (caFile != null && !Files.isReadable(caFile)) throw CliException.usage("cannot read CA file " + caFile);
            Path file = ctx.configFile();
            ConfigFile config = ConfigFile.read(file);
            if (config.named(name).isPresent() && !overwrite) {
                throw CliException.usage("a control plane named \"" + name + "\" exists (--overwrite replaces it)");
            }
            config.with(new ConfigFile.ControlPlane(name, address, caFile == null ? null : caFile.toAbsolutePath().toString(), t)).write(file);
            return Replies.done(spec, "added control plane \"" + name + "\" (" + address + "), now current");
        }
    }

    @Command(name = "use", mixinStandardHelpOptions = true, description = "Makes a control plane the current one.")
    static final class Use implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Path file = Ursactl.context(spec).configFile();
            ConfigFile.read(file).using(name).write(file);
            return Replies.done(spec, "switched to control plane \"" + name + "\"");
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Forgets a control plane.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Path file = Ursactl.context(spec).configFile();
            ConfigFile.read(file).without(name).write(file);
            return Replies.done(spec, "removed control plane \"" + name + "\"");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the control planes (the current one marked *); tokens are not shown.")
    static final class ListCps implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Context ctx = Ursactl.context(spec);
            ConfigFile config = ConfigFile.read(ctx.configFile());
            List<List<String>> rows = new ArrayList<>();
            for (ConfigFile.ControlPlane cp : config.controlPlanes()) {
                rows.add(List.of(cp.name().equals(config.currentControlPlane()) ? "*" : "", cp.name(), cp.address(),
                        cp.caFile() == null ? "" : cp.caFile(), cp.token() == null ? "no" : "yes"));
            }
            Output.table(ctx.out(), List.of("CURRENT", "NAME", "ADDRESS", "CA-FILE", "TOKEN"), rows);
            return ExitCodes.OK;
        }
    }
}
