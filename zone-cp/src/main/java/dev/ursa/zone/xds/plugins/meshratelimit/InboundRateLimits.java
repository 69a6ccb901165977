package dev.ursa.zone.xds.plugins.meshratelimit;

import dev.ursa.mesh.matching.ConfMerger;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Conf;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitSpec.Match;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What MeshRateLimit gives one inbound, computed as Kuma 2.14 does (rules/inbound {@code BuildRules} with
 * {@code is_from_as_rules}, {@code MatchesAllIncomingTraffic}, and the plugin's matched-route rules in
 * plugin/xds/configurer.go).
 *
 * <p>Every policy selecting the inbound contributes its {@code rules} (one entry per match, or one for every client
 * when a rule has none) or, without rules, its {@code from} items (all {@code kind: Mesh}: every client), least specific
 * policy first. {@link #everyClient}: the entries for every client merged in that order; absent when there is none, and
 * then nothing applies to every client (Kuma skips the common conf). {@link #byIdentity}: one rule per distinct match
 * with a SPIFFE ID that limits HTTP, most specific first (Exact before Prefix, with the SNI before without, the longer
 * prefix first), each with the conf of every rule whose match contains it (least specific first) merged over the HTTP
 * part of the every-client conf. A client gets the first of them it matches, else {@link #everyClient}. A match by SNI
 * alone plays no part on a sidecar inbound (Kuma applies it on zone proxy listeners).
 */
record InboundRateLimits(Optional<Conf> everyClient, List<ClientRule> byIdentity) {
    InboundRateLimits {
        byIdentity = List.copyOf(byIdentity);
    }

    /** The effective conf for the clients that match {@code match} (and none of the rules before it). */
    record ClientRule(Match match, Conf conf) {
    }

    /** One inbound rule of one policy: a match (null: every client) and its conf. */
    private record Entry(Match match, Conf conf) {
    }

    static InboundRateLimits of(List<PolicyMatch> policies, Inbound inbound) {
        List<Entry> entries = new ArrayList<>();
        for (PolicyMatch m : policies) {
            if (!m.inbounds().contains(inbound) || !(m.spec() instanceof MeshRateLimitSpec spec)) continue;
            if (!spec.rules().isEmpty()) {
                for (MeshRateLimitSpec.Rule rule : spec.rules()) {
                    if (rule.matchesOrEmpty().isEmpty()) entries.add(new Entry(null, rule.defaultConf()));
                    rule.matchesOrEmpty().forEach(x -> entries.add(new Entry(x, rule.defaultConf())));
                }
            } else {
                spec.from().forEach(f -> entries.add(new Entry(null, f.defaultConf())));
            }
        }
        List<Conf> forEveryClient = entries.stream().filter(e -> e.match() == null).map(Entry::conf).filter(Objects::nonNull).toList();
        Optional<Conf> everyClient = forEveryClient.isEmpty() ? Optional.empty() : Optional.of(merge(forEveryClient));

        // Stable sorts throughout: of equally specific entries the less specific policy stays first (merged first).
        List<Entry> matched = entries.stream().filter(e -> e.match() != null && e.match().spiffeID() != null && limitsHttp(e.conf()))
                .sorted(MOST_SPECIFIC_FIRST).toList();
        Optional<Conf> httpBase = everyClient.filter(InboundRateLimits::limitsHttp);
        List<ClientRule> byIdentity = new ArrayList<>();
        for (Entry rule : matched) {
            if (byIdentity.stream().anyMatch(r -> r.match().equals(rule.match()))) continue;
            List<Conf> confs = new ArrayList<>();
            httpBase.ifPresent(confs::add);
            matched.stream().filter(c -> contains(c.match(), rule.match())).sorted(LEAST_SPECIFIC_FIRST).forEach(c -> confs.add(c.conf()));
            byIdentity.add(new ClientRule(rule.match(), merge(confs)));
        }
        return new InboundRateLimits(everyClient, byIdentity);
    }

    private static boolean limitsHttp(Conf c) {
        return c != null && c.local() != null && c.local().http() != null;
    }

    private static Conf merge(List<Conf> confs) {
        return (Conf) ConfMerger.merge(confs).conf();
    }

    /** Kuma's {@code CompareMatch}: a SPIFFE ID before none, Exact before Prefix; then an SNI before none. */
    static int compareMatch(Match a, Match b) {
        MeshRateLimitSpec.SpiffeIdMatch sa = a == null ? null : a.spiffeID();
        MeshRateLimitSpec.SpiffeIdMatch sb = b == null ? null : b.spiffeID();
        if (sa != null && sb == null) return -1;
        if (sa == null && sb != null) return 1;
        if (sa != null) {
            int c = Integer.compare(score(sb), score(sa));
            if (c != 0) return c;
        }
        boolean na = a != null && a.sni() != null;
        boolean nb = b != null && b.sni() != null;
        return na == nb ? 0 : na ? -1 : 1;
    }

    private static int score(MeshRateLimitSpec.SpiffeIdMatch m) {
        return switch (m.type()) {
            case "Exact" -> 2;
            case "Prefix" -> 1;
            case null, default -> 0;
        };
    }

    /** The length of a Prefix SPIFFE ID match, 0 for any other. */
    private static int prefixLength(Match m) {
        return m != null && m.spiffeID() != null && m.spiffeID().prefix() && m.spiffeID().value() != null ? m.spiffeID().value().length() : 0;
    }

    /** Kuma's {@code compareMatchedRouteSpecificity}: by match, then the longer prefix first (when both are prefixes). */
    private static final Comparator<Entry> MOST_SPECIFIC_FIRST = (a, b) -> {
        int c = compareMatch(a.match(), b.match());
        if (c != 0) return c;
        int la = prefixLength(a.match());
        int lb = prefixLength(b.match());
        return la == 0 || lb == 0 ? 0 : Integer.compare(lb, la);
    };

    private static final Comparator<Entry> LEAST_SPECIFIC_FIRST = (a, b) -> {
        int c = compareMatch(a.match(), b.match());
        if (c != 0) return -c;
        int la = prefixLength(a.match());
        int lb = prefixLength(b.match());
        return la == 0 || lb == 0 ? 0 : Integer.compare(la, lb);
    };

    /** Kuma's {@code matchedRouteSubsumes}: every client {@code target} matches is matched by {@code candidate}. */
    static boolean contains(Match candidate, Match target) {
        if (candidate.spiffeID() == null || target.spiffeID() == null) return false;
        String cv = candidate.spiffeID().value();
        String tv = target.spiffeID().value();
        boolean spiffe = switch (candidate.spiffeID().type()) {
            case "Exact" -> "Exact".equals(target.spiffeID().type()) && Objects.equals(cv, tv);
            case "Prefix" -> cv != null && tv != null && tv.startsWith(cv);
            case null, default -> false;
        };
        if (!spiffe) return false;
        if (candidate.sni() == null) return true;
        return candidate.sni().equals(target.sni());
    }
}
