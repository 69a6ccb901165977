package dev.ursa.cp.auth;

/** A token that does not authenticate anyone; the message says why and never contains the token. */
public final class InvalidTokenException extends Exception {
    public InvalidTokenException(String message) {
        super(message);
    }
}
