package dev.ursa.zone.xds.plugins.meshfaultinjection;

import com.github.xds.type.matcher.v3.Matcher;
import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import dev.ursa.mesh.policy.common.InboundMatch;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionSpec.Fault;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionValidator;
import dev.ursa.zone.xds.mtls.WorkloadIdentity;
import dev.ursa.zone.xds.render.ClientPredicates;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.ursa.zone.xds.render.ClientPredicates.and;
import static dev.ursa.zone.xds.render.ClientPredicates.not;
import static dev.ursa.zone.xds.render.ClientPredicates.or;
import static dev.ursa.zone.xds.render.ClientPredicates.quote;
import static dev.ursa.zone.xds.render.ClientPredicates.uriSan;

/** Builds the fault filters: Kuma's HTTPFault conversion and the client guards (xDS matcher predicates). */
final class FaultFilters {
    private static final String FAULT = "envoy.filters.http.fault";

    private FaultFilters() {
    }

    /** A predicate on the downstream connection: present = the filter runs only when it matches; empty = always. */
    record Guard(Optional<Matcher.MatcherList.Predicate> predicate, boolean never) {
        static final Guard ALWAYS = new Guard(Optional.empty(), false);
        static final Guard NEVER = new Guard(Optional.empty(), true);

        static Guard of(Matcher.MatcherList.Predicate p) {
            return new Guard(Optional.of(p), false);
        }
    }

    /** The Envoy filter for one fault; empty when nothing of it can be rendered. */
    static Optional<HttpFilter> envoy(Fault fault, String name, Guard guard) {
        if (fault == null || guard.never()) return Optional.empty();
        HTTPFault config = httpFault(fault, true);
        if (config == null) return Optional.empty();
        if (guard.predicate().isEmpty()) {
            return Optional.of(HttpFilter.newBuilder().setName(FAULT).setTypedConfig(Any.pack(config)).build());
        }
        return Optional.of(ClientPredicates.onlyFor(name, FAULT, config, guard.predicate().get()));
    }

    /** What grpc-java's fault filter reads: delay and abort (it has no response rate limit); null when neither. */
    static HTTPFault grpc(Fault fault) {
        return fault == null ? null : httpFault(fault, false);
    }

    private static HTTPFault httpFault(Fault fault, boolean bandwidth) {
        HTTPFault.Builder b = HTTPFault.newBuilder();
        // Envoy wants a delay > 0 (0 delays nothing) and an abort status in [200, 600) (the validator warns about 1xx).
        if (fault.delay() != null && fault.delay().value() != null && !fault.delay().value().isZero()) {
            java.time.Duration d = fault.delay().value().value();
            b.setDelay(FaultDelay.newBuilder().setFixedDelay(Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()))
                    .setPercentage(percent(fault.delay().percentage())));
        }
        if (fault.abort() != null && fault.abort().httpStatus() != null && fault.abort().httpStatus() >= 200 && fault.abort().httpStatus() < 600) {
            b.setAbort(FaultAbort.newBuilder().setHttpStatus(fault.abort().httpStatus()).setPercentage(percent(fault.abort().percentage())));
        }
        if (bandwidth && fault.responseBandwidth() != null) {
            MeshFaultInjectionValidator.kbps(fault.responseBandwidth().limit()).filter(k -> k > 0).ifPresent(kbps ->
                    b.setResponseRateLimit(FaultRateLimit.newBuilder().setFixedLimit(FaultRateLimit.FixedLimit.newBuilder().setLimitKbps(kbps))
                            .setPercentage(percent(fault.responseBandwidth().percentage()))));
        }
        return b.hasDelay() || b.hasAbort() || b.hasResponseRateLimit() ? b.build() : null;
    }

    /** Kuma's {@code ConvertPercentage}: per hundred when whole, per ten thousand with two decimals, else per million. */
    static FractionalPercent percent(KumaDecimal value) {
        double v = value == null ? 0 : value.decimal().map(BigDecimal::doubleValue).orElse(0d);
        if (Math.floor(v) == v) return FractionalPercent.newBuilder().setNumerator((int) v).setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
        double hundredTimes = 100 * v;
        if (Math.floor(hundredTimes) == hundredTimes) {
            return FractionalPercent.newBuilder().setNumerator((int) hundredTimes).setDenominator(FractionalPercent.DenominatorType.TEN_THOUSAND).build();
        }
        return FractionalPercent.newBuilder().setNumerator((int) Math.round(10_000 * v)).setDenominator(FractionalPercent.DenominatorType.MILLION).build();
    }

    /** Clients of {@code ref} and of none of {@code moreSpecific}, by the URI SANs of their mesh certificate. */
    static Guard client(String mesh, TargetRef ref, List<TargetRef> moreSpecific) {
        Optional<Matcher.MatcherList.Predicate> self = identityOf(mesh, ref);
        List<Matcher.MatcherList.Predicate> excluded = new ArrayList<>();
        for (TargetRef t : moreSpecific) {
            Optional<Matcher.MatcherList.Predicate> p = identityOf(mesh, t);
            if (p.isEmpty()) return Guard.NEVER; // a more specific item takes every client
            excluded.add(p.get());
        }
        List<Matcher.MatcherList.Predicate> all = new ArrayList<>();
        self.ifPresent(all::add);
        if (!excluded.isEmpty()) all.add(not(or(excluded)));
        return all.isEmpty() ? Guard.ALWAYS : Guard.of(and(all));
    }

    /** Kuma's rule matches: any of them (SPIFFE ID of the client certificate and/or SNI); no matches = every client. */
    static Guard identity(List<InboundMatch> matches) {
        List<Matcher.MatcherList.Predicate> any = new ArrayList<>();
        for (InboundMatch m : matches) {
            if (m == null) continue;
            List<Matcher.MatcherList.Predicate> all = new ArrayList<>();
            if (m.spiffeID() != null && m.spiffeID().value() != null) {
                String v = m.spiffeID().value();
                all.add(ClientPredicates.spiffeId(v, m.spiffeID().type() == InboundMatch.SpiffeIdType.Prefix));
            }
            if (m.sni() != null && m.sni().value() != null) {
                all.add(ClientPredicates.serverName(m.sni().value()));
            }
            if (!all.isEmpty()) any.add(and(all));
        }
        return any.isEmpty() ? Guard.ALWAYS : Guard.of(or(any));
    }

    /** Empty for {@code kind: Mesh} (every client). */
    private static Optional<Matcher.MatcherList.Predicate> identityOf(String mesh, TargetRef ref) {
        List<Matcher.MatcherList.Predicate> all = new ArrayList<>();
        switch (ref.kind()) {
            case Mesh -> {
                return Optional.empty();
            }
            case MeshService, MeshServiceSubset -> all.add(uriSan(quote(WorkloadIdentity.spiffeId(mesh, ref.name() == null ? "" : ref.name()))));
            default -> {
            }
        }
        if (ref.kind() == dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset || ref.kind() == dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset) {
            for (Map.Entry<String, String> t : new TreeMap<>(ref.tagsOrEmpty()).entrySet()) {
                all.add(uriSan(quote("kuma://" + t.getKey() + "/" + t.getValue())));
            }
        }
        return all.isEmpty() ? Optional.empty() : Optional.of(and(all));
    }
}
