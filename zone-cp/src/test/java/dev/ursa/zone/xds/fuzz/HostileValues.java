package dev.ursa.zone.xds.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

import static dev.ursa.zone.xds.fuzz.Nodes.F;

/**
 * Values users (and attackers) send that a schema does not expect: odd Unicode, long strings, numbers at and past the
 * edges of every integer type, durations at and past Ursa's bounds, wrong JSON types and deep nesting. Never NUL
 * ({@code \u0000}) and never a lone surrogate: neither survives the REST API's parser, so neither can reach the codec.
 */
public final class HostileValues {
    private HostileValues() {
    }

    static final List<String> STRINGS = List.of(
            "", " ", "  padded  ", "UPPER", "Backend", "back end", "backend.", "-backend", "backend-", "a/b/c", "*", "**",
            "\u202Ebackend", "back\u200Bend", "backend\u200D", "\uFEFFbom", "\u0007bell", "line\nbreak", "tab\tbed",
            "\u001B[31mred", "\u0085nel", "caf\u00E9", "\u00DFtra\u00DFe", "\uD83D\uDC3B", "\u0627\u0644\u0639\u0631\u0628\u064A\u0629",
            "\uFF22\uFF21\uFF23\uFF2B", "\u0661\u0662\u0663", "\uD835\uDFD3", "%00", "%2e%2e%2f", String.join("/", "..", "..", "etc", "passwd"),
            "null", "true", "0", "-1", "+503", "0503", "503 ", " 503", "1e3", "0x1F", "NaN", "Infinity",
            "spiffe://", "spiffe://Default/backend", "spiffe://default//x", "kuma.io/service", "kuma.io/zone",
            "${jndi:ldap://x}", "'; DROP TABLE resources; --", "<script>", "\\", "\"quoted\"", "\u2028sep",
            "a".repeat(63), "a".repeat(64), "a".repeat(253), "a".repeat(254), "a".repeat(256), "a".repeat(257),
            "x".repeat(4096), "\u00E9".repeat(5000), "a.".repeat(200) + "a");

    /** Durations at and beyond the bounds Ursa accepts ({@code 87600h}), and malformed ones. */
    static final List<String> DURATIONS = List.of(
            "0", "0s", "-0s", "+1s", "-1s", "-1ns", "1ns", "0.5ns", "1us", "1\u00B5s", "999ms", "1.5s", "0.000000001s",
            ".5s", "1.s", "1e3s", "1h-1m", "1m1m1m", "1d", "1w", "s", "10", "", " 1s", "1s ", "1 s", "1S", "1H",
            "87600h", "87599h59m59.999999999s", "87600h1ns", "87601h", "5256000m", "5256001m", "315360000s",
            "9223372036854775807ns", "9223372036854775808ns", "99999999999999999999h", "2562047h47m16.854775807s",
            "1.7976931348623157e308s", "\u0661s", "\uFF11s", "1h\u200B");

    /** Numbers at and around the edges that matter: zero, ports, percentages, status codes, int, long, double. */
    static JsonNode number(Rand r) {
        return switch (r.below(24)) {
            case 0 -> F.numberNode(0);
            case 1 -> F.numberNode(-1);
            case 2 -> F.numberNode(1);
            case 3 -> F.numberNode(2);
            case 4 -> F.numberNode(100);
            case 5 -> F.numberNode(101);
            case 6 -> F.numberNode(599);
            case 7 -> F.numberNode(600);
            case 8 -> F.numberNode(65535);
            case 9 -> F.numberNode(65536);
            case 10 -> F.numberNode(Integer.MAX_VALUE);
            case 11 -> F.numberNode(Integer.MIN_VALUE);
            case 12 -> F.numberNode(Integer.MAX_VALUE + 1L);
            case 13 -> F.numberNode(Long.MAX_VALUE);
            case 14 -> F.numberNode(Long.MIN_VALUE);
            case 15 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
            case 16 -> F.numberNode(1.5);
            case 17 -> F.numberNode(-0.0);
            case 18 -> F.numberNode(1e308);
            case 19 -> F.numberNode(new BigDecimal("1e-20"));
            case 20 -> F.numberNode(new BigDecimal("100.0000000001"));
            case 21 -> F.numberNode(0.000001);
            case 22 -> F.numberNode(new BigDecimal("1E+400"));
            default -> F.numberNode(r.between(-1000, 100_000));
        };
    }

    static String string(Rand r) {
        return r.pick(STRINGS);
    }

    static String duration(Rand r) {
        return r.pick(DURATIONS);
    }

    /** A value of a JSON type other than {@code current}'s. */
    static JsonNode wrongType(Rand r, JsonNode current) {
        for (int i = 0; i < 10; i++) {
            JsonNode v = switch (r.below(8)) {
                case 0 -> F.textNode(string(r));
                case 1 -> number(r);
                case 2 -> F.booleanNode(r.chance(0.5));
                case 3 -> F.objectNode();
                case 4 -> F.arrayNode();
                case 5 -> Nodes.obj("value", string(r));
                case 6 -> Nodes.arr(string(r));
                default -> F.nullNode();
            };
            if (v.getNodeType() != current.getNodeType()) return v;
        }
        return F.booleanNode(true);
    }

    /** Arrays and objects nested {@code depth} deep, a string at the bottom. */
    static JsonNode deep(Rand r, int depth) {
        JsonNode inner = F.textNode("bottom");
        for (int i = 0; i < depth; i++) {
            if (r.chance(0.5)) {
                ArrayNode a = F.arrayNode();
                a.add(inner);
                inner = a;
            } else {
                ObjectNode o = F.objectNode();
                o.set(r.pick("a", "kind", "tags", "default", "to"), inner);
                inner = o;
            }
        }
        return inner;
    }
}
