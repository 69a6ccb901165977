package dev.ursa.zone.xds.plugins.meshretry;

import com.google.protobuf.UInt32Value;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshretry.MeshRetryPolicy;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.BackOff;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.Conf;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.Grpc;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.GrpcRetryOn;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec.Http;
import dev.ursa.mesh.policy.meshretry.MeshRetryValidator;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.ursa.zone.xds.render.ProtoDurations.duration;

/**
 * MeshRetry. The section used follows the destination's protocol: {@code grpc} for gRPC (and always for proxyless
 * clients, which speak gRPC), {@code http} for HTTP, {@code tcp} (connect attempts) for TCP. Proxyless clients get
 * {@code retry_on} gRPC codes, {@code num_retries} and the back-off: what grpc-java supports (per-try timeout and
 * rate-limited back-off are Envoy only).
 */
public final class MeshRetryPlugin implements PolicyPlugin {
    /** Used when the gRPC section names no condition. */
    static final List<GrpcRetryOn> DEFAULT_GRPC_RETRY_ON = List.of(GrpcRetryOn.Unavailable);

    @Override
    public PolicyType descriptor() {
        return MeshRetryPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        for (OutboundConfig out : cfg.outbounds()) {
            conf(rules, out).ifPresent(c -> envoy(out, c));
        }
    }

    /** A proxyless client speaks gRPC: the {@code grpc} section, whatever the destination's protocol. */
    @Override
    public void applyProxyless(ProxyConfig cfg, PolicyRules rules) {
        for (OutboundConfig out : cfg.outbounds()) {
            conf(rules, out).filter(c -> c.grpc() != null).ifPresent(c -> setOnRoutes(out, grpc(c.grpc()).build()));
        }
    }

    private static Optional<Conf> conf(PolicyRules rules, OutboundConfig out) {
        return rules.to().forService(out.service()).map(m -> m.conf(Conf.class));
    }

    private static void envoy(OutboundConfig out, Conf c) {
        if (out.view().protocol().equals("grpc")) {
            if (c.grpc() == null) return;
            RetryPolicy.Builder p = grpc(c.grpc());
            if (c.grpc().perTryTimeout() != null) p.setPerTryTimeout(duration(c.grpc().perTryTimeout().value()));
            setOnRoutes(out, p.build());
        } else if (out.http()) {
            if (c.http() == null) return;
            setOnRoutes(out, http(c.http()));
        } else if (c.tcp() != null && c.tcp().maxConnectAttempt() != null) {
            // Kuma accepts 0, Envoy refuses it (max_connect_attempts >= 1): one attempt is the least there is.
            out.tcp.setMaxConnectAttempts(UInt32Value.of(Math.max(1, c.tcp().maxConnectAttempt())));
        }
    }

    private static void setOnRoutes(OutboundConfig out, RetryPolicy policy) {
        for (Route.Builder r : out.routes) {
            if (r.hasRoute()) r.getRouteBuilder().setRetryPolicy(policy);
        }
    }

    /** What grpc-java supports of the {@code grpc} section: conditions, retries and the back-off. */
    static RetryPolicy.Builder grpc(Grpc g) {
        RetryPolicy.Builder p = RetryPolicy.newBuilder();
        List<GrpcRetryOn> on = g.retryOn() == null || g.retryOn().isEmpty() ? DEFAULT_GRPC_RETRY_ON : g.retryOn();
        p.setRetryOn(String.join(",", on.stream().map(MeshRetryPlugin::grpcCondition).toList()));
        if (g.numRetries() != null) p.setNumRetries(UInt32Value.of(g.numRetries()));
        backOff(p, g.backOff());
        return p;
    }

    static RetryPolicy http(Http h) {
        RetryPolicy.Builder p = RetryPolicy.newBuilder();
        List<String> conditions = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        for (String on : h.retryOn() == null ? List.<String>of() : h.retryOn()) {
            Integer code = MeshRetryValidator.statusCode(on); // read as validation read it: "+503" and "0503" are 503
            if (code != null) {
                codes.add(code);
            } else if (on.startsWith("HttpMethod")) {
                methods.add(on.substring("HttpMethod".length()).toUpperCase(Locale.ROOT)); // retry only requests with this method
            } else {
                conditions.add(condition(on));
            }
        }
        if (!codes.isEmpty()) {
            conditions.add("retriable-status-codes");
            codes.forEach(p::addRetriableStatusCodes);
        }
        if (conditions.isEmpty()) conditions.add("5xx");
        p.setRetryOn(String.join(",", conditions.stream().distinct().toList()));
        methods.forEach(m -> p.addRetriableRequestHeaders(HeaderMatcher.newBuilder().setName(":method")
                .setStringMatch(StringMatcher.newBuilder().setExact(m))));
        if (h.numRetries() != null) p.setNumRetries(UInt32Value.of(h.numRetries()));
        if (h.perTryTimeout() != null) p.setPerTryTimeout(duration(h.perTryTimeout().value()));
        backOff(p, h.backOff());
        if (h.hostSelectionMaxAttempts() != null) p.setHostSelectionRetryMaxAttempts(h.hostSelectionMaxAttempts());
        return p.build();
    }

    private static void backOff(RetryPolicy.Builder p, BackOff b) {
        if (b == null || b.baseInterval() == null) return;
        RetryPolicy.RetryBackOff.Builder rb = RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(duration(b.baseInterval().value()));
        if (b.maxInterval() != null) rb.setMaxInterval(duration(b.maxInterval().value()));
        p.setRetryBackOff(rb);
    }

    static String grpcCondition(GrpcRetryOn on) {
        return switch (on) {
            case Canceled -> "cancelled";
            case DeadlineExceeded -> "deadline-exceeded";
            case Internal -> "internal";
            case ResourceExhausted -> "resource-exhausted";
            case Unavailable -> "unavailable";
        };
    }

    /** Kuma's condition names in Envoy's spelling. */
    static String condition(String kuma) {
        return switch (kuma) {
            case "5xx" -> "5xx";
            case "GatewayError" -> "gateway-error";
            case "Reset" -> "reset";
            case "Retriable4xx" -> "retriable-4xx";
            case "ConnectFailure" -> "connect-failure";
            case "EnvoyRatelimited" -> "envoy-ratelimited";
            case "RefusedStream" -> "refused-stream";
            case "Http3PostConnectFailure" -> "http3-post-connect-failure";
            default -> throw new IllegalArgumentException("unknown retryOn " + kuma);
        };
    }
}
