package dev.ursa.cp.secrets;

/** A stored secret this control plane cannot decrypt: no key, another key, or altered data. The message says which. */
public final class UndecryptableSecretException extends RuntimeException {
    UndecryptableSecretException(String message, Throwable cause) {
        super(message, cause);
    }
}
