package dev.ursa.zone.xds.auth;

import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.TrustedTokens;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.grpc.Status;
import org.jose4j.jwt.JwtClaims;

/**
 * Verifies a presented token against what this zone trusts, refusing as gRPC statuses: UNAUTHENTICATED for a missing,
 * malformed, wrongly signed, expired or revoked token, PERMISSION_DENIED (by the callers) for a valid token that does
 * not allow the node. Messages name the token's id, never the token.
 */
final class Credentials {
    private Credentials() {
    }

    static JwtClaims verify(TrustedTokens trusted, String token) throws RequestException {
        JwtClaims claims;
        try {
            claims = trusted.verify(token);
        } catch (InvalidTokenException e) {
            throw refuse(Status.Code.UNAUTHENTICATED, e.getMessage());
        }
        String id = PublicKeys.id(claims);
        String label = trusted.kind().claim() + " token " + id;
        if (trusted.revoked(id)) throw refuse(Status.Code.UNAUTHENTICATED, label + " was revoked");
        // PublicKeys allows clock skew; a stream is closed at the expiry itself, so it is not opened after it either.
        if (!PublicKeys.expiry(claims).isAfter(trusted.clock().instant())) throw refuse(Status.Code.UNAUTHENTICATED, label + " expired");
        return claims;
    }

    static RequestException refuse(Status.Code code, String why) {
        return new Refusal(Status.fromCode(code).withDescription(why));
    }

    /**
     * A refusal is an answer, not a fault: without a stack trace, the discovery server's log line for the closed stream
     * stays one line (a client retrying with a bad token would otherwise fill the log).
     */
    private static final class Refusal extends RequestException {
        Refusal(Status status) {
            super(status);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
