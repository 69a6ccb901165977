package dev.ursa.ingress.xds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the ingress's zone token comes from: {@code ursa.ingress.token-file} (re-read at every connect, so a replaced
 * token is used from the next stream on) or {@code ursa.ingress.token}. Never logged.
 */
public final class IngressToken {
    private IngressToken() {
    }

    /** Empty when none is configured (a zone CP with {@code ursa.xds.auth=none}). */
    public static Supplier<Optional<String>> of(Optional<String> token, Optional<String> tokenFile) {
        if (tokenFile.isPresent()) {
            Path file = Path.of(tokenFile.get());
            return () -> read(file);
        }
        Optional<String> fixed = token.map(String::trim).filter(t -> !t.isEmpty());
        return () -> fixed;
    }

    private static Optional<String> read(Path file) {
        try {
            String t = Files.readString(file).trim();
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the ingress token file " + file + ": " + e.getMessage(), e);
        }
    }
}
