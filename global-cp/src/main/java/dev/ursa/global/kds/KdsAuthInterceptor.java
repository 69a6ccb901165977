package dev.ursa.global.kds;

import dev.ursa.global.tokens.ZoneTokenService;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneSpec;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.peer.KdsServerHandler;
import dev.ursa.sync.tokens.InvalidZoneTokenException;
import dev.ursa.sync.tokens.ZoneNames;
import dev.ursa.sync.tokens.ZoneToken;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;

/**
 * Authenticates every KDS call before any message is read: the zone identity comes from the verified token (or, with
 * {@code ursa.kds.auth=none}, from the {@code ursa-zone} header). A peer claiming another zone than its token names,
 * a revoked token or a disabled zone gets PERMISSION_DENIED; a missing, malformed, wrongly signed or expired token
 * UNAUTHENTICATED. A refused call never reaches the handler, so nothing is written.
 */
final class KdsAuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(KdsAuthInterceptor.class);
    private static final String BEARER = "Bearer ";

    private final KdsConfig.Auth mode;
    private final ZoneTokenService tokens;
    private final ResourceStore store;

    KdsAuthInterceptor(KdsConfig.Auth mode, ZoneTokenService tokens, ResourceStore store) {
        this.mode = mode;
        this.tokens = tokens;
        this.store = store;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String claimed = headers.get(KdsGrpc.ZONE);
        String zone;
        String tokenId = null;
        if (mode == KdsConfig.Auth.none) {
            if (claimed == null || !ZoneNames.valid(claimed)) return refuse(call, Status.UNAUTHENTICATED, "no valid ursa-zone header: " + ZoneNames.rule());
            zone = claimed;
        } else {
            String auth = headers.get(KdsGrpc.AUTHORIZATION);
            if (auth == null || !auth.startsWith(BEARER)) return refuse(call, Status.UNAUTHENTICATED, "no zone token (authorization: Bearer <token>)");
            ZoneToken token;
            try {
                token = tokens.verify(auth.substring(BEARER.length()).trim());
            } catch (InvalidZoneTokenException e) {
                return refuse(call, Status.UNAUTHENTICATED, e.getMessage());
            }
            if (claimed != null && !claimed.equals(token.zone())) {
                return refuse(call, Status.PERMISSION_DENIED, "the token is for zone " + token.zone() + ", not " + claimed);
            }
            if (tokens.revoked(token)) return refuse(call, Status.PERMISSION_DENIED, "zone token " + token.id() + " was revoked");
            zone = token.zone();
            tokenId = token.id();
        }
        if (!enabled(zone)) return refuse(call, Status.PERMISSION_DENIED, "zone " + zone + " is disabled on the global");
        Context ctx = Context.current()
                .withValue(KdsServerHandler.ZONE, zone)
                .withValue(KdsServerHandler.CP_VERSION, headers.get(KdsGrpc.CP_VERSION))
                .withValue(KdsServerHandler.TOKEN_ID, tokenId);
        return Contexts.interceptCall(ctx, call, headers, next);
    }

    private boolean enabled(String zone) {
        try {
            return store.get(ResourceKey.of(ResourceTypes.ZONE, "", zone)).toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .map(r -> r.spec(ZoneSpec.class).isEnabled()).orElse(true);
        } catch (Exception e) {
            return true; // a store hiccup must not lock every zone out; the stream itself needs the store anyway
        }
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status, String why) {
        LOG.warnf("refused a KDS call: %s %s", status.getCode(), why);
        call.close(status.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
