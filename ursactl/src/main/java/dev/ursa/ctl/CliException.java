package dev.ursa.ctl;

import java.util.List;

/**
 * A failure the user is told about in one message, with the field paths the server (or the client-side check) named
 * below it, and the exit code scripts see.
 */
public class CliException extends RuntimeException {
    private final int exitCode;
    private final List<Cause> causes;

    public CliException(int exitCode, String message, List<Cause> causes) {
        super(message);
        this.exitCode = exitCode;
        this.causes = List.copyOf(causes);
    }

    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message, List.of());
    }

    public static CliException refused(String message) {
        return new CliException(ExitCodes.REFUSED, message, List.of());
    }

    public int exitCode() {
        return exitCode;
    }

    public List<Cause> causes() {
        return causes;
    }

    /** One problem with its field path ("" when it concerns the whole document). */
    public record Cause(String field, String message) {
    }
}
