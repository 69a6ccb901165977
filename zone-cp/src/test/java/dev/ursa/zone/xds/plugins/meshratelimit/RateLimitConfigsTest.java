package dev.ursa.zone.xds.plugins.meshratelimit;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Conf;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitValidator;
import dev.ursa.zone.xds.XdsJson;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.StatusCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Kuma's Envoy configs of MeshRateLimit, and what the validator lets through stays within Envoy's constraints. */
class RateLimitConfigsTest {
    private static final EnvoyConstraints ENVOY = new EnvoyConstraints(XdsJson.TYPES);

    @Test
    void theValidatorsStatusCodesAreEnvoysStatusCodeEnum() {
        for (long status = -1; status <= 1_000; status++) {
            boolean envoy = status > 0 && StatusCode.forNumber((int) status) != null;
            assertThat(MeshRateLimitValidator.envoyStatus(status)).as("status %d", status).isEqualTo(envoy);
        }
    }

    @Test
    void aRequestLimitAsKumaRendersIt() throws Exception {
        LocalRateLimit limit = RateLimitConfigs.http(conf("""
                local:
                  http:
                    requestRate: {num: 4294967295, interval: 1500ms}
                    onRateLimit:
                      status: 423
                      headers:
                        set: [{name: x-a, value: '1, 2'}]
                        add: [{name: x-b, value: 'b'}]
                """)).orElseThrow();
        assertThat(limit.getTokenBucket().getMaxTokens()).isEqualTo(-1); // uint32 4294967295
        assertThat(Integer.toUnsignedLong(limit.getTokenBucket().getTokensPerFill().getValue())).isEqualTo(4294967295L);
        assertThat(limit.getTokenBucket().getFillInterval().getNanos()).isEqualTo(500_000_000);
        assertThat(limit.getStatus().getCode()).isEqualTo(StatusCode.Locked);
        assertThat(limit.getFilterEnabled().getDefaultValue().getNumerator()).isEqualTo(100);
        assertThat(limit.getFilterEnforced().getRuntimeKey()).isEqualTo("local_rate_limit_enforced");
        assertThat(limit.getResponseHeadersToAddList()).extracting(h -> h.getHeader().getKey() + "=" + h.getHeader().getValue() + " " + h.getAppendAction())
                .containsExactly("x-b=b APPEND_IF_EXISTS_OR_ADD", "x-a=1 OVERWRITE_IF_EXISTS_OR_ADD", "x-a= 2 OVERWRITE_IF_EXISTS_OR_ADD");
        assertThat(ENVOY.violations(limit)).isEmpty();
    }

    @Test
    void disabledOrRatelessLimitsRenderNothing() throws Exception {
        assertThat(RateLimitConfigs.http(conf("local: {http: {disabled: true, requestRate: {num: 1, interval: 1s}}}"))).isEmpty();
        assertThat(RateLimitConfigs.http(conf("local: {http: {onRateLimit: {status: 503}}}"))).isEmpty();
        assertThat(RateLimitConfigs.tcp(conf("local: {tcp: {disabled: true, connectionRate: {num: 1, interval: 1s}}}"))).isEmpty();
        assertThat(RateLimitConfigs.tcp(conf("local: {http: {requestRate: {num: 1, interval: 1s}}}"))).isEmpty();
        var tcp = RateLimitConfigs.tcp(conf("local: {tcp: {connectionRate: {num: 7, interval: 2s}}}")).orElseThrow();
        assertThat(tcp.getName()).isEqualTo(RateLimitConfigs.TCP_FILTER);
        assertThat(ENVOY.violations(tcp)).isEmpty();
    }

    @Test
    void aStatusEnvoyHasNoCodeForIsLeftOut() throws Exception {
        LocalRateLimit limit = RateLimitConfigs.http(conf("local: {http: {requestRate: {num: 1, interval: 1s}, onRateLimit: {status: 444}}}")).orElseThrow();
        assertThat(limit.hasStatus()).isFalse();
        assertThat(ENVOY.violations(limit)).isEmpty();
    }

    /** One document holds at most 10; merged policies can hold more, and Envoy would refuse the listener. */
    @Test
    void moreResponseHeadersThanEnvoyTakesAreCutToItsLimit() {
        List<MeshRateLimitSpec.HeaderKeyValue> add = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> new MeshRateLimitSpec.HeaderKeyValue("a" + i, "v")).toList();
        List<HeaderValueOption> headers = RateLimitConfigs.responseHeaders(new MeshRateLimitSpec.HeaderModifier(
                List.of(new MeshRateLimitSpec.HeaderKeyValue("s", "1,2,3,4,5,6,7,8")), add));
        assertThat(headers).hasSize(MeshRateLimitValidator.MAX_RESPONSE_HEADERS);
        assertThat(headers.get(7).getHeader().getKey()).isEqualTo("a7");
        assertThat(headers.get(9).getHeader().getValue()).isEqualTo("2");
    }

    private static Conf conf(String yaml) throws Exception {
        return Json.mapper(Format.YAML).readValue(yaml, Conf.class);
    }
}
