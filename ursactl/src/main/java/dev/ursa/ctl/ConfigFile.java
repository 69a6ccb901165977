package dev.ursa.ctl;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.codec.Json;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ~/.ursactl/config.yaml}: the control planes ursactl knows and which one is current. It holds user tokens, so
 * it is written 0600 (its directory 0700), replaced atomically.
 *
 * @param currentControlPlane name of the one commands talk to; null when none was added
 */
public record ConfigFile(String currentControlPlane, List<ControlPlane> controlPlanes) {
    /** What commands use when nothing is configured: the local control plane's loopback (admin by default). */
    public static final ControlPlane LOCAL = new ControlPlane("local", "http://127.0.0.1:5681", null, null);

    public ConfigFile {
        controlPlanes = controlPlanes == null ? List.of() : List.copyOf(controlPlanes);
    }

    /** One control plane: its admin API address ({@code http(s)://host:port}), a PEM CA to verify it, a user token. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ControlPlane(String name, String address, String caFile, String token) {
    }

    public static ConfigFile read(Path file) {
        if (!Files.exists(file)) return new ConfigFile(null, List.of());
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) return new ConfigFile(null, List.of());
            return Json.YAML.readValue(bytes, ConfigFile.class);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    public void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                if (posix) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            Path tmp = posix
                    ? Files.createTempFile(dir, ".config", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".config", ".tmp");
            try {
                Files.write(tmp, Json.YAML.writeValueAsBytes(this));
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            // An existing file keeps its inode's mode across a rename of ours, but a user may have loosened it.
            if (posix) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw CliException.usage("cannot write " + file + ": " + e.getMessage());
        }
    }

    public Optional<ControlPlane> named(String name) {
        return controlPlanes.stream().filter(cp -> cp.name().equals(name)).findFirst();
    }

    /** The current control plane, or {@link #LOCAL} when none is configured. */
    public ControlPlane current() {
        if (currentControlPlane == null) return LOCAL;
        return named(currentControlPlane).orElseThrow(() -> CliException.usage(
                "the current control plane \"" + currentControlPlane + "\" is not in the config file"));
    }

    /** With {@code cp} added (or replaced, same name) and made current. */
    public ConfigFile with(ControlPlane cp) {
        List<ControlPlane> next = new ArrayList<>(controlPlanes.stream().filter(c -> !c.name().equals(cp.name())).toList());
        next.add(cp);
        return new ConfigFile(cp.name(), next);
    }

    public ConfigFile using(String name) {
        named(name).orElseThrow(() -> CliException.usage("no control plane named \"" + name + "\" (see: ursactl config control-planes list)"));
        return new ConfigFile(name, controlPlanes);
    }

    public ConfigFile without(String name) {
        named(name).orElseThrow(() -> CliException.usage("no control plane named \"" + name + "\" (see: ursactl config control-planes list)"));
        List<ControlPlane> next = controlPlanes.stream().filter(c -> !c.name().equals(name)).toList();
        return new ConfigFile(name.equals(currentControlPlane) ? null : currentControlPlane, next);
    }
}
