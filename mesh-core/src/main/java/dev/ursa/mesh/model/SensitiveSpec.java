package dev.ursa.mesh.model;

/**
 * The spec of a type that holds secret material (a type is sensitive when its spec class implements this; declared
 * once, with the spec). A sensitive resource is stored and synced like any other, but it is never exported as a change
 * event ({@link ResourceTypes#isExportable}), readers other than admins get {@link #redacted()}, and its
 * {@code toString} never shows the secret (so no log line does).
 */
public interface SensitiveSpec extends ResourceSpec {
    /** What {@code data}-like fields read as when redacted (Kuma logs secrets as {@code ***}). */
    String REDACTED = "***";

    /** This spec with every secret value replaced by {@link #REDACTED}. */
    SensitiveSpec redacted();
}
