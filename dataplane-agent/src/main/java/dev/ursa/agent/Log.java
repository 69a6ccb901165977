package dev.ursa.agent;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The agent's log: one line per event on stderr, {@code ursa-agent <time> <LEVEL> <message>}. Every secret registered
 * with {@link #redact} (the dataplane token) is replaced in every line, so a message quoting a server's words can never
 * leak it. Private keys are never passed here.
 */
final class Log {
    static final String REDACTED = "<redacted>";
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private Log() {
    }

    /** Never print {@code secret}, whatever message it turns up in. */
    static void redact(String secret) {
        if (secret != null && !secret.isBlank() && !SECRETS.contains(secret)) SECRETS.add(secret);
    }

    /** {@code text} with every registered secret replaced. */
    static String clean(String text) {
        String out = text == null ? "" : text;
        for (String secret : SECRETS) out = out.replace(secret, REDACTED);
        return out;
    }

    static void info(String message) {
        line("INFO", message);
    }

    static void warn(String message) {
        line("WARN", message);
    }

    static void error(String message) {
        line("ERROR", message);
    }

    private static void line(String level, String message) {
        String line = "ursa-agent " + Instant.now() + " " + level + " " + clean(message).replace('\n', ' ');
        synchronized (System.err) {
            System.err.println(line);
        }
    }
}
