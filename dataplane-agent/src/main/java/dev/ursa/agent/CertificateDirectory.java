package dev.ursa.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The certificate files, updated as one set the way Kubernetes' AtomicWriter updates a secret volume: each set goes
 * into a new generation directory {@code <dir>/.gen-<time>-<n>/} (files and directory fsynced), then the symlink
 * {@code <dir>/current} is pointed at it by renaming a temporary symlink over it (one atomic rename(2)), then older
 * generations are removed. Whatever instant the process dies at, {@code current} names a complete set or (before the
 * first one) does not exist; a half-written generation is never named and is removed by the next {@link #publish}.
 * <p>
 * The generation {@code current} named just before a publish is kept one round longer: a reader that resolved the
 * old link a moment ago can still open its files. Single writer: {@link AgentLock} keeps a second agent out.
 */
public final class CertificateDirectory {
    public static final String CURRENT = "current";
    public static final String CERT_FILE = "cert.pem";
    public static final String KEY_FILE = "key.pem";
    public static final String CA_FILE = "ca.pem";
    static final String GENERATION_PREFIX = ".gen-";
    static final String TEMP_LINK = ".current.tmp";
    private static final DateTimeFormatter GENERATION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSSSSS");

    /** The steps of {@link #publish}, in order: a test stops a publish after any of them, as a kill would. */
    enum Step { CERT_WRITTEN, KEY_WRITTEN, CA_WRITTEN, GENERATION_SYNCED, TEMP_LINK_CREATED, CURRENT_SWAPPED, CLEANED_UP }

    /** Called after each step; the agent's does nothing. */
    @FunctionalInterface
    interface StepListener {
        void after(Step step) throws IOException;
    }

    private final Path dir;
    private final StepListener steps;

    public CertificateDirectory(Path dir) {
        this(dir, step -> { });
    }

    CertificateDirectory(Path dir, StepListener steps) {
        this.dir = dir;
        this.steps = steps;
    }

    public Path current() {
        return dir.resolve(CURRENT);
    }

    /** Makes {@code set} the current one, atomically, and removes generations no longer named. */
    public void publish(CertificateSet set) throws IOException {
        Path generation = newGeneration();
        AtomicFiles.create(generation.resolve(CERT_FILE), ascii(set.chainPem()), AtomicFiles.READABLE);
        steps.after(Step.CERT_WRITTEN);
        AtomicFiles.create(generation.resolve(KEY_FILE), ascii(set.keyPem()), AtomicFiles.OWNER_ONLY);
        steps.after(Step.KEY_WRITTEN);
        AtomicFiles.create(generation.resolve(CA_FILE), ascii(set.trustBundlePem()), AtomicFiles.READABLE);
        steps.after(Step.CA_WRITTEN);
        AtomicFiles.syncDirectory(generation);
        steps.after(Step.GENERATION_SYNCED);

        Optional<Path> previous = currentGeneration();
        Path tempLink = dir.resolve(TEMP_LINK);
        Files.deleteIfExists(tempLink); // left by a kill between the two steps below
        Files.createSymbolicLink(tempLink, generation.getFileName()); // relative: the directory may be moved or mounted
        steps.after(Step.TEMP_LINK_CREATED);
        Files.move(tempLink, current(), StandardCopyOption.ATOMIC_MOVE); // rename(2) replaces the old link at once
        AtomicFiles.syncDirectory(dir);
        steps.after(Step.CURRENT_SWAPPED);

        Set<Path> keep = new HashSet<>();
        keep.add(generation.getFileName());
        previous.ifPresent(p -> keep.add(p.getFileName()));
        removeGenerationsExcept(keep);
        steps.after(Step.CLEANED_UP);
    }

    /** The set {@code current} names, if there is one. */
    public Optional<CertificateSet> read() throws IOException {
        if (!Files.exists(current())) return Optional.empty();
        try {
            Path c = current();
            return Optional.of(new CertificateSet(Files.readString(c.resolve(CERT_FILE), StandardCharsets.US_ASCII),
                    Files.readString(c.resolve(KEY_FILE), StandardCharsets.US_ASCII),
                    Files.readString(c.resolve(CA_FILE), StandardCharsets.US_ASCII)));
        } catch (NoSuchFileException e) {
            throw new IOException(current() + " names an incomplete certificate set: " + e.getFile() + " is missing", e);
        }
    }

    /** Removes what a killed agent may have left: the temp link and generations {@code current} does not name. */
    public void cleanUp() throws IOException {
        Files.deleteIfExists(dir.resolve(TEMP_LINK));
        Set<Path> keep = new HashSet<>();
        currentGeneration().ifPresent(p -> keep.add(p.getFileName()));
        removeGenerationsExcept(keep);
    }

    /** The generation directory {@code current} points at (relative to the directory), if any. */
    Optional<Path> currentGeneration() throws IOException {
        if (!Files.isSymbolicLink(current())) return Optional.empty();
        return Optional.of(Files.readSymbolicLink(current()));
    }

    private Path newGeneration() throws IOException {
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(GENERATION_TIME);
        for (int n = 0; ; n++) {
            Path generation = dir.resolve(GENERATION_PREFIX + time + "-" + n);
            try {
                Files.createDirectory(generation, PosixFilePermissions.asFileAttribute(AtomicFiles.DIRECTORY));
                Files.setPosixFilePermissions(generation, AtomicFiles.DIRECTORY);
                return generation;
            } catch (FileAlreadyExistsException e) {
                // a generation of the same instant: take the next number
            }
        }
    }

    private void removeGenerationsExcept(Set<Path> keep) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, GENERATION_PREFIX + "*")) {
            for (Path entry : entries) {
                if (!keep.contains(entry.getFileName())) deleteTree(entry);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
