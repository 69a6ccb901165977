package dev.ursa.agent;

/** The agent's exit codes (docs/agent.md lists them; scripts rely on them). */
public final class ExitCodes {
    /** Done (--once: files written). A signal ends the JVM with 128 + the signal (143 for SIGTERM). */
    public static final int OK = 0;
    /** Failed: files could not be written, the health port could not be bound, --once timed out. */
    public static final int FAILED = 1;
    /** The zone CP refused the agent at start-up: bad, expired or foreign token, or a request it rejects. */
    public static final int REFUSED = 2;
    /** Bad command line or unreadable input file (token, Dataplane). */
    public static final int USAGE = 64;

    private ExitCodes() {
    }
}
