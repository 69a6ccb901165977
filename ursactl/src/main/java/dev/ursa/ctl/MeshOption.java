package dev.ursa.ctl;

import picocli.CommandLine.Option;

/** {@code -m/--mesh}, for every command that works on one mesh. */
final class MeshOption {
    @Option(names = {"-m", "--mesh"}, defaultValue = "default", paramLabel = "MESH", description = "The mesh (default: ${DEFAULT-VALUE}).")
    String mesh;

    String name() {
        return mesh;
    }
}
