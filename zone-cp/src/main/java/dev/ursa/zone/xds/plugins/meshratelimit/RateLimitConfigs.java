package dev.ursa.zone.xds.plugins.meshratelimit;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Conf;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.HeaderKeyValue;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.LocalHttp;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.LocalTcp;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.OnRateLimit;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Rate;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitValidator;
import dev.ursa.zone.xds.render.ProtoDurations;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.TokenBucket;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kuma's Envoy configs of MeshRateLimit ({@code RateLimitConfigurationFromPolicy}, {@code NewRateLimitConfiguration}
 * and {@code configureTcpListener}): a disabled limit, or one without a rate, renders nothing.
 */
final class RateLimitConfigs {
    static final String HTTP_FILTER = "envoy.filters.http.local_ratelimit";
    /** Kuma's name for the connection limit filter (Envoy picks the extension by its config type). */
    static final String TCP_FILTER = "envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit";

    private RateLimitConfigs() {
    }

    /** The HTTP filter of an inbound's connection manager, which does nothing until a route configures it. */
    static LocalRateLimit httpFilterBase() {
        return LocalRateLimit.newBuilder().setStatPrefix("rate_limit").build();
    }

    /** The request limit of {@code conf}: a token bucket, the status and headers of limited requests, on for 100 %. */
    static Optional<LocalRateLimit> http(Conf conf) {
        if (conf == null || conf.local() == null || conf.local().http() == null) return Optional.empty();
        LocalHttp http = conf.local().http();
        if (Boolean.TRUE.equals(http.disabled()) || http.requestRate() == null) return Optional.empty();
        LocalRateLimit.Builder b = LocalRateLimit.newBuilder().setStatPrefix("rate_limit")
                .setTokenBucket(bucket(http.requestRate()))
                .setFilterEnabled(everyRequest("local_rate_limit_enabled"))
                .setFilterEnforced(everyRequest("local_rate_limit_enforced"));
        OnRateLimit on = http.onRateLimit();
        if (on != null) {
            // The validator warned about a status Envoy has no code for: limited requests keep Envoy's 429.
            if (on.status() != null && MeshRateLimitValidator.envoyStatus(on.status())) {
                b.setStatus(HttpStatus.newBuilder().setCodeValue(on.status().intValue()));
            }
            if (on.headers() != null) b.addAllResponseHeadersToAdd(responseHeaders(on.headers()));
        }
        return Optional.of(b.build());
    }

    /**
     * Kuma's order: every {@code add} (appended), then each comma-separated value of every {@code set} (overwriting).
     * One document is held to Envoy's 10; policies merged together can exceed it, and the first 10 are kept.
     */
    static List<HeaderValueOption> responseHeaders(dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.HeaderModifier headers) {
        List<HeaderValueOption> out = new ArrayList<>();
        for (HeaderKeyValue h : headers.addOrEmpty()) {
            out.add(header(h.name(), h.value(), HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD));
        }
        for (HeaderKeyValue h : headers.setOrEmpty()) {
            for (String value : MeshRateLimitValidator.setValues(h.value() == null ? "" : h.value())) {
                out.add(header(h.name(), value, HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
            }
        }
        return out.size() > MeshRateLimitValidator.MAX_RESPONSE_HEADERS ? out.subList(0, MeshRateLimitValidator.MAX_RESPONSE_HEADERS) : out;
    }

    /** The connection limit of {@code conf}, first in an inbound's filter chain. */
    static Optional<Filter> tcp(Conf conf) {
        if (conf == null || conf.local() == null || conf.local().tcp() == null) return Optional.empty();
        LocalTcp tcp = conf.local().tcp();
        if (Boolean.TRUE.equals(tcp.disabled()) || tcp.connectionRate() == null) return Optional.empty();
        var config = io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit.newBuilder()
                .setStatPrefix("tcp_rate_limit").setTokenBucket(bucket(tcp.connectionRate())).build();
        return Optional.of(Filter.newBuilder().setName(TCP_FILTER).setTypedConfig(Any.pack(config)).build());
    }

    /** {@code num} tokens, refilled in full every {@code interval} (num is a uint32: its low 32 bits). */
    private static TokenBucket bucket(Rate rate) {
        int num = rate.num().intValue();
        return TokenBucket.newBuilder().setMaxTokens(num).setTokensPerFill(UInt32Value.of(num))
                .setFillInterval(ProtoDurations.duration(rate.interval().value())).build();
    }

    private static RuntimeFractionalPercent everyRequest(String runtimeKey) {
        return RuntimeFractionalPercent.newBuilder().setRuntimeKey(runtimeKey)
                .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED)).build();
    }

    private static HeaderValueOption header(String name, String value, HeaderValueOption.HeaderAppendAction action) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(value)).setAppendAction(action).build();
    }
}
