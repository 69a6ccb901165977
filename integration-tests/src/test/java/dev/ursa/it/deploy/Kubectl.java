package dev.ursa.it.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders kustomize directories with the real {@code kubectl kustomize} (no cluster needed). */
final class Kubectl {
    private static final long TIMEOUT_SECONDS = 60;

    private final Path executable;

    private Kubectl(Path executable) {
        this.executable = executable;
    }

    /** Finds kubectl on PATH (or /usr/bin/kubectl); fails loudly when it is missing: a skipped check proves nothing. */
    static Kubectl locate() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/bin:/usr/local/bin").split(":")) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) return new Kubectl(candidate);
        }
        throw new IllegalStateException("kubectl is not installed (looked on PATH and in /usr/bin): the deploy manifests "
                + "cannot be rendered. Install kubectl (it renders kustomize offline, no cluster needed).");
    }

    /** {@code kubectl kustomize <dir>}: the rendered multi-document YAML; a render error fails with kubectl's message. */
    String kustomize(Path dir) {
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder(List.of(executable.toString(), "kustomize", dir.toString()))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("kubectl kustomize " + dir + " did not finish within " + TIMEOUT_SECONDS + " s");
                }
                if (process.exitValue() != 0) {
                    throw new InvalidManifestException(dir + ": kubectl kustomize failed: "
                            + Files.readString(err, StandardCharsets.UTF_8).strip());
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
