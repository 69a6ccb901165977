package dev.ursa.ctl;

import picocli.CommandLine.Option;

/** {@code -o/--output table|yaml|json}, for every command that prints resources or states. */
final class OutputOption {
    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", description = "table, yaml or json (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    Output.Format format() {
        return format;
    }
}
