package dev.ursa.ctl;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of ursactl reads and writes besides its arguments: standard streams, the environment, and whether
 * stderr/stdout is a terminal (colour only then). Tests pass their own.
 */
public record Context(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, boolean colour) {
    /** {@code URSACTL_CONFIG}, else {@code ~/.ursactl/config.yaml}. */
    public Path configFile() {
        String explicit = env.get("URSACTL_CONFIG");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".ursactl", "config.yaml");
    }

    String red(String s) {
        return colour ? "\u001b[31m" + s + "\u001b[0m" : s;
    }

    String green(String s) {
        return colour ? "\u001b[32m" + s + "\u001b[0m" : s;
    }

    String yellow(String s) {
        return colour ? "\u001b[33m" + s + "\u001b[0m" : s;
    }

    String bold(String s) {
        return colour ? "\u001b[1m" + s + "\u001b[0m" : s;
    }
}
