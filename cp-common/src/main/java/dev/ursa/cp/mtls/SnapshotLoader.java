package dev.ursa.cp.mtls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Kuma's static data source loader: the Secrets of one mesh read beforehand (name to decoded data), inline values, and
 * files on this control plane. Immutable.
 */
public record SnapshotLoader(Map<String, byte[]> secrets) implements DataSourceLoader {
    public SnapshotLoader {
        secrets = Map.copyOf(secrets);
    }

    @Override
    public byte[] load(String mesh, DataSource source) throws LoadException {
        return switch (source) {
            case DataSource.Secret s -> {
                byte[] data = secrets.get(s.name());
                if (data == null) {
                    throw new LoadException("could not load data: resource not found: type=\"Secret\" name=\"" + s.name() + "\" mesh=\"" + mesh + "\"");
                }
                yield data;
            }
            case DataSource.Inline i -> i.value();
            case DataSource.InlineString s -> s.value().getBytes(StandardCharsets.UTF_8);
            case DataSource.File f -> read(f.path());
            case DataSource.None n -> throw new LoadException("unsupported type of the DataSource");
        };
    }

    /** Go's {@code os.ReadFile} error texts. */
    private static byte[] read(String path) throws LoadException {
        try {
            Path p = Path.of(path);
            if (Files.isDirectory(p)) throw new LoadException("could not load data: read " + path + ": is a directory");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new LoadException("could not load data: open " + path + ": no such file or directory");
        } catch (AccessDeniedException e) {
            throw new LoadException("could not load data: open " + path + ": permission denied");
        } catch (IOException | RuntimeException e) {
            throw new LoadException("could not load data: open " + path + ": " + e.getMessage());
        }
    }
}
