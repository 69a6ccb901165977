package dev.ursa.cp.api.auth;

import java.util.Optional;

/** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive, RFC 6750). */
final class Bearer {
    private static final String SCHEME = "bearer";

    private Bearer() {
    }

    /** The token, or empty when the header is not a Bearer credential with a non-blank token. */
    static Optional<String> token(String header) {
        if (header == null) return Optional.empty();
        String h = header.strip();
        if (h.length() <= SCHEME.length() || !h.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || !Character.isWhitespace(h.charAt(SCHEME.length()))) {
            return Optional.empty();
        }
        String token = h.substring(SCHEME.length()).strip();
        return token.isEmpty() || token.chars().anyMatch(Character::isWhitespace) ? Optional.empty() : Optional.of(token);
    }
}
