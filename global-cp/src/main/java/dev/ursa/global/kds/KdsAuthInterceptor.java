package dev.ursa.global.kds;

import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.ZoneNames;
import dev.ursa.cp.auth.ZoneToken;
import dev.ursa.global.tokens.ZoneTokenService;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.peer.KdsServerHandler;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.jboss.logging.Logger;

import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Authenticates every KDS call before any message is read. The zone identity comes from the verified token (or, with
 * {@code ursa.kds.auth=none}, from the {@code ursa-zone} header). UNAUTHENTICATED: no TLS while TLS is required, a
 * missing, malformed, wrongly signed, expired or revoked token. PERMISSION_DENIED: a valid token without scope
 * {@code cp}, a peer claiming another zone than its token names, a disabled zone, a token issued before its Zone was
 * deleted. UNAVAILABLE: the store cannot say (fail closed). A refused call never reaches the handler, so nothing is
 * written. Runs on gRPC's call executor (it may block on the store).
 */
final class KdsAuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(KdsAuthInterceptor.class);
    private static final String BEARER = "Bearer ";

    private final KdsConfig.Auth mode;
    private final boolean tlsRequired;
    private final ZoneTokenService tokens;
    private final ZoneAdmission zones;
    private final Clock clock;

    KdsAuthInterceptor(KdsConfig.Auth mode, boolean tlsRequired, ZoneTokenService tokens, ZoneAdmission zones, Clock clock) {
        this.mode = mode;
        this.tlsRequired = tlsRequired;
        this.tokens = tokens;
        this.zones = zones;
        this.clock = clock;
    }

    /** Why a call is refused: the status code and a description naming the reason (never the token). */
    record Refusal(Status.Code code, String reason) {
    }

    private static final class Refused extends Exception {
        final Refusal refusal;

        Refused(Status.Code code, String reason) {
            super(reason, null, false, false);
            this.refusal = new Refusal(code, reason);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        try {
            if (tlsRequired && call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION) == null) {
                throw new Refused(Status.Code.UNAUTHENTICATED, "KDS needs TLS on this global (ursa.kds.tls.enabled=true): "
                        + "zone tokens are not accepted on a plaintext stream");
            }
            ZoneToken token = mode == KdsConfig.Auth.none ? null : authenticate(headers);
            String zone = token == null ? headerZone(headers) : token.zone();
            admit(zone, token);
            SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            Context ctx = Context.current()
                    .withValue(KdsServerHandler.ZONE, zone)
                    .withValue(KdsServerHandler.CP_VERSION, headers.get(KdsGrpc.CP_VERSION))
                    .withValue(KdsServerHandler.TOKEN_ID, token == null ? null : token.id())
                    .withValue(KdsServerHandler.TOKEN_EXPIRY, token == null ? null : token.expiresAt())
                    .withValue(KdsServerHandler.PEER, peer == null ? null : peer.toString());
            return Contexts.interceptCall(ctx, call, headers, next);
        } catch (Refused r) {
            return refuse(call, r.refusal);
        }
    }

    private static String headerZone(Metadata headers) throws Refused {
        String claimed = headers.get(KdsGrpc.ZONE);
        if (claimed == null || !ZoneNames.valid(claimed)) {
            throw new Refused(Status.Code.UNAUTHENTICATED, "no valid ursa-zone header: " + ZoneNames.rule());
        }
        return claimed;
    }

    private ZoneToken authenticate(Metadata headers) throws Refused {
        String auth = headers.get(KdsGrpc.AUTHORIZATION);
        if (auth == null || !auth.startsWith(BEARER)) {
            throw new Refused(Status.Code.UNAUTHENTICATED, "no zone token (authorization: Bearer <token>)");
        }
        ZoneToken token;
        try {
            token = tokens.verify(auth.substring(BEARER.length()).trim());
            if (!token.expiresAt().isAfter(clock.instant())) throw new InvalidTokenException("zone token expired");
            if (tokens.revoked(token)) throw new InvalidTokenException("zone token " + token.id() + " was revoked");
        } catch (InvalidTokenException e) {
            throw new Refused(Status.Code.UNAUTHENTICATED, e.getMessage());
        } catch (RuntimeException e) {
            throw unavailable("the zone token keys", e);
        }
        if (!token.allows(ZoneToken.CP)) {
            throw new Refused(Status.Code.PERMISSION_DENIED, "zone token " + token.id() + " has scope " + token.scopes()
                    + ": a zone CP's KDS stream needs scope " + ZoneToken.CP);
        }
        String claimed = headers.get(KdsGrpc.ZONE);
        if (claimed != null && !claimed.equals(token.zone())) {
            throw new Refused(Status.Code.PERMISSION_DENIED, "the token is for zone " + token.zone() + ", not " + claimed);
        }
        return token;
    }

    /** The zone's state on the global: enabled, and not deleted after the token was issued. Fails closed. */
    private void admit(String zone, ZoneToken token) throws Refused {
        Optional<String> refusal;
        try {
            refusal = zones.refusal(zone, token == null ? Instant.MAX : token.issuedAt());
        } catch (RuntimeException e) {
            throw unavailable("zone " + zone, e);
        }
        if (refusal.isPresent()) throw new Refused(Status.Code.PERMISSION_DENIED, refusal.get());
    }

    private static Refused unavailable(String what, RuntimeException e) {
        return new Refused(Status.Code.UNAVAILABLE, "the global cannot check " + what + " in its store (" + e.getMessage()
                + "): refused until it can; retry later");
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Refusal refusal) {
        LOG.warnf("refused a KDS call: %s %s", refusal.code(), refusal.reason());
        call.close(Status.fromCode(refusal.code()).withDescription(refusal.reason()), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
