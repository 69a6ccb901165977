package dev.ursa.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Durable file writes: a reader (or the agent after a kill -9 or a power loss) sees the old content or the new, never
 * a torn file. POSIX file systems only (the agent runs next to Linux workloads).
 */
final class AtomicFiles {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    /** Temp files of {@link #replace} are named {@code .<name>.tmp-<random>}. */
    static final String TEMP_MARK = ".tmp-";

    private AtomicFiles() {
    }

    /** Replaces {@code target} by a file holding {@code content}: temp file, fsync, rename over it, fsync the directory. */
    static void replace(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + TEMP_MARK, "",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY)); // never readable by others, even for a moment
        try {
            writeAndSync(temp, content);
            Files.setPosixFilePermissions(temp, permissions);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    /** Creates {@code file} (it must not exist) with {@code content} and {@code permissions}, and fsyncs it. */
    static void create(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        writeAndSync(file, content);
        Files.setPosixFilePermissions(file, permissions); // explicitly: the umask only narrows the creation mode
    }

    /** fsyncs a directory, so the entries created, renamed or removed in it survive a power loss. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void writeAndSync(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
    }
}
