package dev.ursa.zone.xds.render;

import com.github.xds.core.v3.TypedExtensionConfig;
import com.github.xds.type.matcher.v3.Matcher;
import com.github.xds.type.matcher.v3.Matcher.MatcherList.Predicate;
import com.github.xds.type.matcher.v3.RegexMatcher;
import com.github.xds.type.matcher.v3.StringMatcher;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.extensions.common.matching.v3.ExtensionWithMatcher;
import io.envoyproxy.envoy.extensions.filters.common.matcher.action.v3.SkipFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.matching.common_inputs.network.v3.ServerNameInput;
import io.envoyproxy.envoy.extensions.matching.common_inputs.ssl.v3.UriSanInput;

import java.util.List;

/**
 * Predicates on who a downstream client is (xDS matchers on the connection: the URI SANs of its certificate, the TLS
 * SNI) and the wrapper that runs an HTTP filter only for the clients a predicate matches. For the policies that tell
 * clients apart by identity on an Envoy inbound (MeshFaultInjection, MeshRateLimit). Envoy gives a peer's URI SANs
 * joined by commas (an Ursa certificate carries the SPIFFE ID and a {@code kuma://} SAN per tag): a SAN predicate
 * matches one of them in full. Stateless.
 */
public final class ClientPredicates {
    private ClientPredicates() {
    }

    /** One of the client certificate's URI SANs matches {@code regex} (RE2) in full. */
    public static Predicate uriSan(String regex) {
        return single(TypedExtensionConfig.newBuilder().setName("envoy.matching.inputs.uri_san")
                        .setTypedConfig(Any.pack(UriSanInput.getDefaultInstance())).build(),
                StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setGoogleRe2(RegexMatcher.GoogleRE2.getDefaultInstance())
                        .setRegex("(.*,)?" + regex + "(,.*)?")).build());
    }

    /** Kuma's {@code spiffeID} match: one of the client's URI SANs is {@code value}, or starts with it. */
    public static Predicate spiffeId(String value, boolean prefix) {
        return uriSan(prefix ? quote(value) + "[^,]*" : quote(value));
    }

    /** The SNI the client sent is {@code serverName}. */
    public static Predicate serverName(String serverName) {
        return single(TypedExtensionConfig.newBuilder().setName("envoy.matching.inputs.server_name")
                .setTypedConfig(Any.pack(ServerNameInput.getDefaultInstance())).build(), StringMatcher.newBuilder().setExact(serverName).build());
    }

    public static Predicate and(List<Predicate> ps) {
        if (ps.size() == 1) return ps.getFirst();
        return Predicate.newBuilder().setAndMatcher(Predicate.PredicateList.newBuilder().addAllPredicate(ps)).build();
    }

    public static Predicate or(List<Predicate> ps) {
        if (ps.size() == 1) return ps.getFirst();
        return Predicate.newBuilder().setOrMatcher(Predicate.PredicateList.newBuilder().addAllPredicate(ps)).build();
    }

    /** not(not(p)) is p: keeps guards like "every client but these" readable. */
    public static Predicate not(Predicate p) {
        if (p.hasNotMatcher()) return p.getNotMatcher();
        return Predicate.newBuilder().setNotMatcher(p).build();
    }

    /**
     * The HTTP filter {@code name} that runs {@code config} (the filter {@code extension}) only for the clients
     * {@code when} matches, and is skipped for every other request.
     */
    public static HttpFilter onlyFor(String name, String extension, Message config, Predicate when) {
        Matcher matcher = Matcher.newBuilder().setMatcherList(Matcher.MatcherList.newBuilder()
                .addMatchers(Matcher.MatcherList.FieldMatcher.newBuilder()
                        .setPredicate(not(when))
                        .setOnMatch(Matcher.OnMatch.newBuilder().setAction(TypedExtensionConfig.newBuilder().setName("skip")
                                .setTypedConfig(Any.pack(SkipFilter.getDefaultInstance())))))).build();
        ExtensionWithMatcher ext = ExtensionWithMatcher.newBuilder().setXdsMatcher(matcher)
                .setExtensionConfig(io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.newBuilder().setName(extension)
                        .setTypedConfig(Any.pack(config))).build();
        return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(ext)).build();
    }

    /** RE2-safe literal: every character that is not a letter, a digit or one of {@code /:_-} is escaped. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '/' || c == ':' || c == '_' || c == '-') b.append(c); else b.append('\\').append(c);
        }
        return b.toString();
    }

    private static Predicate single(TypedExtensionConfig input, StringMatcher value) {
        return Predicate.newBuilder().setSinglePredicate(Predicate.SinglePredicate.newBuilder().setInput(input).setValueMatch(value)).build();
    }
}
