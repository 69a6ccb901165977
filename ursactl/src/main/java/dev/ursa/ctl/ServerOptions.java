package dev.ursa.ctl;

import picocli.CommandLine.Option;

/** The connection flags every command that talks to a control plane takes; they override the config file's current one. */
final class ServerOptions {
    @Option(names = "--address", paramLabel = "URL", description = "The control plane's admin API, e.g. http://127.0.0.1:5681 (overrides the config file).")
    String address;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A user token (overrides the config file's).")
    String token;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM CA that signed an https control plane's certificate (overrides the config file's).")
    String caFile;

    ApiClient client(Context ctx) {
        ConfigFile.ControlPlane cp = ConfigFile.read(ctx.configFile()).current();
        return new ApiClient(address != null ? address : cp.address(), token != null ? token : cp.token(),
                caFile != null ? caFile : cp.caFile());
    }
}
