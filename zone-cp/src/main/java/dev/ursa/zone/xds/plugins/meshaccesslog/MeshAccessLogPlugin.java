package dev.ursa.zone.xds.plugins.meshaccesslog;

import dev.ursa.mesh.matching.ConfMerger;
import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.MergedConf;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogPolicy;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Conf;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.Rule;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.render.InboundConfig;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * MeshAccessLog. Envoy: the access loggers of the merged {@code to} conf on each outbound listener (its HTTP connection
 * manager, or its TCP proxy for TCP) and of the inbound conf on each inbound listener, built as Kuma builds them
 * ({@link AccessLogs}); the inbound conf is the {@code rules} of the selecting policies (rules without {@code matches};
 * a rule with matches is accepted with a warning and not applied), or else their merged {@code from}. Proxyless gRPC:
 * grpc-java reads no access log configuration from xDS, so nothing is applied and {@code _policies} says so.
 */
public final class MeshAccessLogPlugin implements PolicyPlugin {
    static final String PROXYLESS_NOTE = "not applied to proxyless gRPC dataplanes: grpc-java has no access logging from xDS "
            + "(log in the application, e.g. with a gRPC interceptor)";

    @Override
    public PolicyType descriptor() {
        return MeshAccessLogPolicy.TYPE;
    }

    @Override
    public Optional<String> notApplied(Flavour flavour) {
        return flavour == Flavour.PROXYLESS ? Optional.of(PROXYLESS_NOTE) : Optional.empty();
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        AccessLogs logs = new AccessLogs(cfg);
        String mesh = cfg.view().id().mesh();
        String ip = cfg.view().address();
        List<Inbound> inbounds = cfg.view().inbounds();
        String self = inbounds.isEmpty() ? "unknown" : inbounds.getFirst().serviceName();
        for (InboundConfig in : cfg.inbounds()) {
            inboundConf(in.inbound(), rules).ifPresent(conf -> {
                KumaValues values = new KumaValues("unknown", ip, in.inbound().serviceName(), mesh, cfg.localZone(), "INBOUND");
                List<AccessLog> built = logs.of(conf.backends(), in.http() ? AccessLogs.DEFAULT_HTTP_FORMAT : AccessLogs.DEFAULT_TCP_FORMAT, values);
                if (in.http()) in.hcm.addAllAccessLog(built);
                else in.tcp.addAllAccessLog(built);
            });
        }
        for (OutboundConfig out : cfg.outbounds()) {
            rules.to().forService(out.service()).map(m -> m.conf(Conf.class)).filter(c -> c.backends() != null).ifPresent(conf -> {
                KumaValues values = new KumaValues(self, ip, out.service(), mesh, cfg.localZone(), "OUTBOUND");
                List<AccessLog> built = logs.of(conf.backends(), out.http() ? AccessLogs.DEFAULT_HTTP_FORMAT : AccessLogs.DEFAULT_TCP_FORMAT, values);
                if (out.http()) out.hcm.addAllAccessLog(built);
                else out.tcp.addAllAccessLog(built);
            });
        }
    }

    /** The {@code rules} of the policies selecting this inbound (merged, most specific last), or else the merged {@code from}. */
    private static Optional<Conf> inboundConf(Inbound inbound, PolicyRules rules) {
        List<Conf> fromRules = new ArrayList<>();
        boolean anyRules = false;
        for (PolicyMatch m : rules.matches()) {
            if (!(m.spec() instanceof MeshAccessLogSpec spec) || spec.rulesOrEmpty().isEmpty()) continue;
            if (!m.inbounds().contains(inbound)) continue;
            anyRules = true;
            for (Rule rule : spec.rulesOrEmpty()) {
                if (rule != null && rule.matchesOrEmpty().isEmpty() && rule.defaults() != null) fromRules.add(rule.defaults());
            }
        }
        if (anyRules) {
            ConfMerger.Merged merged = ConfMerger.merge(fromRules);
            return merged == null ? Optional.empty() : Optional.of((Conf) merged.conf()).filter(c -> c.backends() != null);
        }
        return rules.from().forInbound(inbound.portOrZero()).flatMap(FromRules.InboundRules::forAnyClient)
                .map((MergedConf m) -> m.conf(Conf.class)).filter(c -> c.backends() != null);
    }
}
