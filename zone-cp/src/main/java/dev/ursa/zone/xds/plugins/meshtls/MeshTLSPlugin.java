package dev.ursa.zone.xds.plugins.meshtls;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshtls.MeshTLSPolicy;
import dev.ursa.mesh.policy.meshtls.MeshTLSSpec;
import dev.ursa.mesh.policy.meshtls.MeshTLSSpec.Conf;
import dev.ursa.zone.xds.render.InboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.DataplaneView.MtlsMode;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol;

import java.util.List;
import java.util.Optional;

/**
 * MeshTLS on the inbound mTLS of an Envoy sidecar: the mode ({@code Strict} / {@code Permissive}, overriding the
 * mesh's for that inbound), the TLS version range and the cipher suites of its {@code DownstreamTlsContext}. Only in a
 * mesh with mTLS on (without it there is no TLS to tune, as in Kuma). The {@code rules} form applies to every inbound of
 * the selected proxies, policies least specific first and field by field; without rules-form policies the {@code from}
 * items (kind Mesh) are merged the same way. Proxyless gRPC servers: the mode only (gRPC takes no TLS parameters).
 */
public final class MeshTLSPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshTLSPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        if (cfg.view().mtls() == null) return;
        for (InboundConfig in : cfg.inbounds()) {
            List<PolicyMatch> ruleForm = rules.matches().stream()
                    .filter(m -> m.spec() instanceof MeshTLSSpec s && !s.rulesOrEmpty().isEmpty())
                    .filter(m -> m.inbounds().isEmpty() || m.inbounds().contains(in.inbound())).toList();
            Optional<Conf> conf = ruleForm.isEmpty()
                    ? rules.from().forInbound(in.inbound().portOrZero()).flatMap(FromRules.InboundRules::forAnyClient).map(m -> m.conf(Conf.class))
                    : Optional.of(merged(ruleForm));
            conf.ifPresent(c -> apply(in, c));
        }
    }

    @Override
    public void applyProxyless(ProxyConfig config, PolicyRules rules) {
        // The mode applies to a proxyless server's listener; versions and ciphers do not (grpc-java refuses tls_params,
        // the renderer leaves them out: the server keeps gRPC's TLS defaults).
        applyEnvoy(config, rules);
    }

    /** The rules-form confs of {@code matches} (least specific first), later fields over earlier ones. */
    private static Conf merged(List<PolicyMatch> matches) {
        Conf out = new Conf(null, null, null);
        for (PolicyMatch m : matches) {
            for (MeshTLSSpec.Rule rule : ((MeshTLSSpec) m.spec()).rulesOrEmpty()) {
                Conf c = rule.defaults();
                if (c == null) continue;
                out = new Conf(c.tlsVersion() != null ? c.tlsVersion() : out.tlsVersion(),
                        c.tlsCiphers() != null ? c.tlsCiphers() : out.tlsCiphers(), c.mode() != null ? c.mode() : out.mode());
            }
        }
        return out;
    }

    private static void apply(InboundConfig in, Conf c) {
        if ("Strict".equals(c.mode())) in.mtlsMode(MtlsMode.STRICT);
        if ("Permissive".equals(c.mode())) in.mtlsMode(MtlsMode.PERMISSIVE);
        TlsParameters.Builder params = TlsParameters.newBuilder();
        if (c.tlsVersion() != null) {
            if (c.tlsVersion().min() != null) params.setTlsMinimumProtocolVersion(protocol(c.tlsVersion().min()));
            if (c.tlsVersion().max() != null) params.setTlsMaximumProtocolVersion(protocol(c.tlsVersion().max()));
        }
        if (c.tlsCiphers() != null) params.addAllCipherSuites(c.tlsCiphers());
        if (!params.build().equals(TlsParameters.getDefaultInstance())) in.tlsParams(params.build());
    }

    /** Kuma's version names (validated) as Envoy's. */
    static TlsProtocol protocol(String kuma) {
        return switch (kuma) {
            case "TLS10" -> TlsProtocol.TLSv1_0;
            case "TLS11" -> TlsProtocol.TLSv1_1;
            case "TLS12" -> TlsProtocol.TLSv1_2;
            case "TLS13" -> TlsProtocol.TLSv1_3;
            default -> TlsProtocol.TLS_AUTO;
        };
    }

}
