package dev.ursa.sync.tokens;

/** A token that is missing, malformed, wrongly signed or expired. The message says which, without echoing the token. */
public final class InvalidZoneTokenException extends Exception {
    public InvalidZoneTokenException(String message) {
        super(message);
    }
}
