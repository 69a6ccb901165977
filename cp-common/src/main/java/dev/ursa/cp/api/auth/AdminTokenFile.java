package dev.ursa.cp.api.auth;

import dev.ursa.cp.auth.InvalidTokenException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The first admin credential for operators who cannot call from loopback: with {@code ursa.api.admin-token-file} set,
 * the control plane writes an admin user token there at start (mode 0600, replaced atomically), unless the file already
 * holds a valid, unrevoked admin token of this control plane. With the store unavailable at start it retries on its own
 * thread until it succeeds. The token is never logged; its id is.
 */
@ApplicationScoped
public class AdminTokenFile {
    private static final Logger LOG = Logger.getLogger(AdminTokenFile.class);
    /** The token's subject: a control plane identity, no user can mint a token with this name. */
    static final String SUBJECT = "mesh-system:bootstrap-admin";
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final UserTokens tokens;
    private final ApiAuthConfig config;
    private volatile Thread writer;

    public AdminTokenFile(UserTokens tokens, ApiAuthConfig config) {
        this.tokens = tokens;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        Optional<Path> file = config.adminTokenFile().filter(f -> !f.isBlank()).map(Path::of);
        if (file.isEmpty()) return;
        writer = Thread.ofVirtual().name("admin-token-file").start(() -> writeUntilDone(file.get()));
    }

    void stop(@Observes ShutdownEvent event) {
        Thread t = writer;
        if (t != null) t.interrupt();
    }

    private void writeUntilDone(Path file) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                ensure(file);
                return;
            } catch (RuntimeException | IOException e) {
                LOG.warnf("cannot write the admin token file %s (retrying in %s): %s", file, RETRY, e.getMessage());
            }
            try {
                Thread.sleep(RETRY); // retry pacing of a background task, not synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Keeps a file holding a valid admin token; otherwise writes a new one. */
    public void ensure(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String existing = Files.readString(file).strip();
            try {
                if (tokens.authenticate(existing).isAdmin()) {
                    LOG.infof("admin token file %s holds a valid admin token: kept", file);
                    return;
                }
            } catch (InvalidTokenException e) {
                LOG.infof("admin token file %s: %s; writing a new token", file, e.getMessage());
            }
        }
        UserTokens.Minted minted = tokens.mint(SUBJECT, List.of(Groups.ADMIN), config.adminTokenValidFor());
        write(file, minted.token());
        LOG.infof("wrote admin user token %s (expires %s) to %s", minted.id(), minted.expiry(), file);
    }

    private static void write(Path file, String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system: its own access rules apply
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another writer is using " + tmp, e);
        }
        Files.writeString(tmp, token + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
