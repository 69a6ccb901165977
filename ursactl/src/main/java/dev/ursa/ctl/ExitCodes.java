package dev.ursa.ctl;

/** ursactl's exit codes (docs/cli.md lists them; scripts rely on them). */
public final class ExitCodes {
    public static final int OK = 0;
    /** The server refused a request (validation, not found, conflict, forbidden...) or a file did not validate. */
    public static final int REFUSED = 1;
    /** Bad command line, unreadable file or config. */
    public static final int USAGE = 2;
    /** The control plane could not be reached (connection refused, timeout, TLS handshake). */
    public static final int CONNECTION = 3;

    private ExitCodes() {
    }
}
