package dev.ursa.agent;

/** A failure that ends the agent: its message is the one line printed, {@link #exitCode} the process's exit code. */
public final class AgentException extends Exception {
    private final int exitCode;

    public AgentException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public AgentException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
