package dev.ursa.mesh.envoy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks xDS resources against the constraints Envoy declares on its own protos (protoc-gen-validate
 * {@code (validate.rules)} field options and {@code (validate.required)} oneofs), the checks Envoy runs before it
 * accepts a resource. Without an Envoy binary this is how a rendered config that Envoy would NACK (a weight sum past
 * uint32, a zero timeout where Envoy wants a positive one, an empty cluster name) is caught before it is sent.
 * {@code Any} fields are unpacked with the given type registry ({@link #withEnvoyApi()}: any type of the Envoy API);
 * unknown packed types are not looked into, and {@link #shallow()} looks into none, as the {@code Validate()} methods
 * Go generates for Envoy's protos (what Kuma's validators call) do not. Stateless and thread-safe; descriptors and
 * regexes are cached per class.
 * <p>
 * Supported: message required/skip, oneof required, numeric const/lt/lte/gt/gte/in/not_in (all scalar kinds,
 * unsigned ones compared unsigned), bool const, string const/len/min_len/max_len/min_bytes/max_bytes/prefix/suffix/
 * contains/not_contains/in/not_in/pattern and the HTTP header name/value well-known regexes, bytes len bounds, enum
 * defined_only/const/in/not_in, repeated min/max items and unique and per-item rules, map min/max pairs, duration
 * required/const/lt/lte/gt/gte, any required, ignore_empty. Not supported (not used by the types Ursa renders):
 * timestamps, email/hostname/ip/uri formats.
 */
public final class EnvoyConstraints {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final Pattern HEADER_NAME = Pattern.compile("^:?[0-9a-zA-Z!#$%&'*+\\-.^_|~`]+$");
    private static final Pattern HEADER_VALUE = Pattern.compile("^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$");
    private static final Pattern LOOSE_HEADER = Pattern.compile("^[^\\x00\\n\\r]*$");

    private static final EnvoyConstraints SHALLOW = new EnvoyConstraints(typeUrl -> null);
    private static final EnvoyConstraints ENVOY_API = new EnvoyConstraints(typeUrl -> EnvoyTypes.find(typeUrl).orElse(null));

    /** Finds the descriptor of a packed type URL; null: not looked into. */
    private final Function<String, Descriptor> packedTypes;

    public EnvoyConstraints(JsonFormat.TypeRegistry types) {
        this(typeUrl -> types.find(typeUrl.substring(typeUrl.lastIndexOf('/') + 1)));
    }

    private EnvoyConstraints(Function<String, Descriptor> packedTypes) {
        this.packedTypes = packedTypes;
    }

    /** Unpacks every {@code Any} whose type the Envoy API has ({@link EnvoyTypes}). */
    public static EnvoyConstraints withEnvoyApi() {
        return ENVOY_API;
    }

    /** Looks into no {@code Any}: the message's own fields and nested messages only (Go's generated {@code Validate()}). */
    public static EnvoyConstraints shallow() {
        return SHALLOW;
    }

    /** Every violated constraint, as {@code path: rule}; empty when Envoy's validation would pass. */
    public List<String> violations(MessageOrBuilder message) {
        List<String> out = new ArrayList<>();
        check(message, message.getDescriptorForType().getName(), out);
        return out;
    }

    private void check(MessageOrBuilder m, String path, List<String> out) {
        Descriptor d = m.getDescriptorForType();
        if (d.getFullName().equals(Any.getDescriptor().getFullName())) {
            Descriptor packed = packed(typeUrl(m));
            if (packed != null) {
                try {
                    check(DynamicMessage.parseFrom(packed, (ByteString) m.getField(d.findFieldByName("value"))), path + "<" + packed.getName() + ">", out);
                } catch (InvalidProtocolBufferException e) {
                    out.add(path + ": Any does not decode as " + packed.getFullName());
                }
            }
            return;
        }
        if (d.getOptions().hasExtension(Validate.disabled) && d.getOptions().getExtension(Validate.disabled)) return;
        for (OneofDescriptor oneof : d.getRealOneofs()) {
            if (oneof.getOptions().hasExtension(Validate.required) && oneof.getOptions().getExtension(Validate.required)
                    && !m.hasOneof(oneof)) {
                out.add(path + "." + oneof.getName() + ": one of its fields is required");
            }
        }
        for (FieldDescriptor f : d.getFields()) {
            String fp = path + "." + f.getName();
            FieldRules rules = f.getOptions().hasExtension(Validate.rules) ? f.getOptions().getExtension(Validate.rules) : null;
            if (f.isMapField()) {
                int pairs = m.getRepeatedFieldCount(f);
                if (rules != null && rules.hasMap()) mapRules(rules.getMap(), pairs, fp, out);
                for (int i = 0; i < pairs; i++) {
                    Object entry = m.getRepeatedField(f, i);
                    if (entry instanceof MessageOrBuilder e) check(e, fp + "[" + i + "]", out);
                }
            } else if (f.isRepeated()) {
                int n = m.getRepeatedFieldCount(f);
                if (rules != null && rules.hasRepeated()) {
                    Validate.RepeatedRules r = rules.getRepeated();
                    if (!(r.getIgnoreEmpty() && n == 0)) {
                        if (r.hasMinItems() && n < r.getMinItems()) out.add(fp + ": at least " + r.getMinItems() + " item(s) required, got " + n);
                        if (r.hasMaxItems() && n > r.getMaxItems()) out.add(fp + ": at most " + r.getMaxItems() + " item(s) allowed, got " + n);
                        if (r.getUnique()) {
                            Set<Object> seen = new HashSet<>();
                            for (int i = 0; i < n; i++) if (!seen.add(m.getRepeatedField(f, i))) out.add(fp + ": items must be unique");
                        }
                    }
                }
                FieldRules items = rules != null && rules.hasRepeated() && rules.getRepeated().hasItems() ? rules.getRepeated().getItems() : null;
                for (int i = 0; i < n; i++) value(f, m.getRepeatedField(f, i), items, true, fp + "[" + i + "]", out);
            } else {
                boolean present = f.hasPresence() ? m.hasField(f) : !m.getField(f).equals(f.getDefaultValue());
                if (!present && f.getRealContainingOneof() != null) continue; // rules of an unset oneof member do not apply
                if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    if (!present) {
                        boolean required = rules != null && (rules.getMessage().getRequired()
                                || rules.hasDuration() && rules.getDuration().getRequired()
                                || rules.hasAny() && rules.getAny().getRequired());
                        if (required) out.add(fp + ": is required");
                        continue;
                    }
                }
                value(f, m.getField(f), rules, present, fp, out);
            }
        }
    }

    private void value(FieldDescriptor f, Object v, FieldRules rules, boolean present, String fp, List<String> out) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            MessageOrBuilder msg = (MessageOrBuilder) v;
            if (rules != null && rules.getMessage().getSkip()) return;
            if (rules != null) messageRules(msg, rules, fp, out);
            check(msg, fp, out);
            return;
        }
        if (rules == null) return;
        switch (rules.getTypeCase()) {
            case STRING -> stringRules(rules.getString(), (String) v, present, fp, out);
            case BYTES -> {
                Validate.BytesRules b = rules.getBytes();
                int len = ((ByteString) v).size();
                if (b.getIgnoreEmpty() && len == 0) return;
                if (b.hasMinLen() && len < b.getMinLen()) out.add(fp + ": at least " + b.getMinLen() + " bytes required");
                if (b.hasMaxLen() && len > b.getMaxLen()) out.add(fp + ": at most " + b.getMaxLen() + " bytes allowed");
            }
            case ENUM -> {
                Validate.EnumRules e = rules.getEnum();
                EnumValueDescriptor ev = (EnumValueDescriptor) v;
                int number = ev.getNumber();
                if (e.getDefinedOnly() && ev.getType().findValueByNumber(number) == null) out.add(fp + ": undefined enum value " + number);
                if (e.hasConst() && number != e.getConst()) out.add(fp + ": must be " + e.getConst());
                if (e.getInCount() > 0 && !e.getInList().contains(number)) out.add(fp + ": must be one of " + e.getInList());
                if (e.getNotInList().contains(number)) out.add(fp + ": must not be " + number);
            }
            case BOOL -> {
                if (rules.getBool().hasConst() && !v.equals(rules.getBool().getConst())) out.add(fp + ": must be " + rules.getBool().getConst());
            }
            case TYPE_NOT_SET, MAP, REPEATED, ANY, DURATION, TIMESTAMP -> {
            }
            default -> numberRules(rules, f, v, present, fp, out);
        }
    }

    private static void messageRules(MessageOrBuilder msg, FieldRules rules, String fp, List<String> out) {
        boolean isDuration = msg.getDescriptorForType().getFullName().equals(Duration.getDescriptor().getFullName());
        if (rules.hasDuration() && isDuration) {
            Validate.DurationRules r = rules.getDuration();
            BigDecimal v = seconds(msg);
            if (r.hasConst() && v.compareTo(seconds(r.getConst())) != 0) out.add(fp + ": must be " + seconds(r.getConst()) + "s");
            if (r.hasLt() && v.compareTo(seconds(r.getLt())) >= 0) out.add(fp + ": must be < " + seconds(r.getLt()) + "s, got " + v + "s");
            if (r.hasLte() && v.compareTo(seconds(r.getLte())) > 0) out.add(fp + ": must be <= " + seconds(r.getLte()) + "s, got " + v + "s");
            if (r.hasGt() && v.compareTo(seconds(r.getGt())) <= 0) out.add(fp + ": must be > " + seconds(r.getGt()) + "s, got " + v + "s");
            if (r.hasGte() && v.compareTo(seconds(r.getGte())) < 0) out.add(fp + ": must be >= " + seconds(r.getGte()) + "s, got " + v + "s");
        }
        if (rules.hasAny() && rules.getAny().getInCount() > 0 && !rules.getAny().getInList().contains(typeUrl(msg))) {
            out.add(fp + ": type " + typeUrl(msg) + " not allowed");
        }
        // Wrapper types (UInt32Value, DoubleValue, ...) carry the scalar rules of their value.
        FieldDescriptor inner = msg.getDescriptorForType().findFieldByName("value");
        if (inner != null && msg.getDescriptorForType().getFile().getPackage().equals("google.protobuf")
                && rules.getTypeCase() != FieldRules.TypeCase.DURATION && rules.getTypeCase() != FieldRules.TypeCase.TYPE_NOT_SET) {
            SHALLOW.value(inner, msg.getField(inner), rules, true, fp, out);
        }
    }

    private static void mapRules(Validate.MapRules r, int pairs, String fp, List<String> out) {
        if (r.getIgnoreEmpty() && pairs == 0) return;
        if (r.hasMinPairs() && pairs < r.getMinPairs()) out.add(fp + ": at least " + r.getMinPairs() + " pair(s) required");
        if (r.hasMaxPairs() && pairs > r.getMaxPairs()) out.add(fp + ": at most " + r.getMaxPairs() + " pair(s) allowed");
    }

    private static void stringRules(Validate.StringRules r, String s, boolean present, String fp, List<String> out) {
        if (r.getIgnoreEmpty() && s.isEmpty()) return;
        int chars = s.codePointCount(0, s.length());
        int bytes = s.getBytes(StandardCharsets.UTF_8).length;
        if (r.hasConst() && !s.equals(r.getConst())) out.add(fp + ": must be \"" + r.getConst() + "\"");
        if (r.hasLen() && chars != r.getLen()) out.add(fp + ": must be " + r.getLen() + " characters");
        if (r.hasMinLen() && chars < r.getMinLen()) out.add(fp + ": at least " + r.getMinLen() + " character(s) required");
        if (r.hasMaxLen() && chars > r.getMaxLen()) out.add(fp + ": at most " + r.getMaxLen() + " characters allowed");
        if (r.hasMinBytes() && bytes < r.getMinBytes()) out.add(fp + ": at least " + r.getMinBytes() + " byte(s) required");
        if (r.hasMaxBytes() && bytes > r.getMaxBytes()) out.add(fp + ": at most " + r.getMaxBytes() + " bytes allowed");
        if (r.hasPrefix() && !s.startsWith(r.getPrefix())) out.add(fp + ": must start with \"" + r.getPrefix() + "\"");
        if (r.hasSuffix() && !s.endsWith(r.getSuffix())) out.add(fp + ": must end with \"" + r.getSuffix() + "\"");
        if (r.hasContains() && !s.contains(r.getContains())) out.add(fp + ": must contain \"" + r.getContains() + "\"");
        if (r.hasNotContains() && s.contains(r.getNotContains())) out.add(fp + ": must not contain \"" + r.getNotContains() + "\"");
        if (r.getInCount() > 0 && !r.getInList().contains(s)) out.add(fp + ": must be one of " + r.getInList());
        if (r.getNotInList().contains(s)) out.add(fp + ": must not be \"" + s + "\"");
        if (r.hasPattern()) {
            Pattern p = pattern(r.getPattern());
            if (p != null && !p.matcher(s).find()) out.add(fp + ": must match " + r.getPattern());
        }
        if (r.hasWellKnownRegex()) {
            boolean strict = !r.hasStrict() || r.getStrict();
            Pattern p = switch (r.getWellKnownRegex()) {
                case HTTP_HEADER_NAME -> strict ? HEADER_NAME : LOOSE_HEADER;
                case HTTP_HEADER_VALUE -> strict ? HEADER_VALUE : LOOSE_HEADER;
                default -> null;
            };
            if (p != null && !p.matcher(s).matches()) out.add(fp + ": not a valid HTTP header " + (r.getWellKnownRegex() == Validate.KnownRegex.HTTP_HEADER_NAME ? "name" : "value"));
        }
    }

    /** Numeric rules are the same shape for every scalar kind (const, lt, lte, gt, gte, in, not_in): read them by name. */
    private static void numberRules(FieldRules rules, FieldDescriptor f, Object v, boolean present, String fp, List<String> out) {
        Message r = (Message) rules.getField(FieldRules.getDescriptor().findFieldByNumber(rules.getTypeCase().getNumber()));
        Descriptor rd = r.getDescriptorForType();
        FieldDescriptor ignoreEmpty = rd.findFieldByName("ignore_empty");
        if (ignoreEmpty != null && (Boolean) r.getField(ignoreEmpty) && !present) return;
        BigDecimal value = number(v, f.getType());
        for (String bound : List.of("const", "lt", "lte", "gt", "gte")) {
            FieldDescriptor bf = rd.findFieldByName(bound);
            if (bf == null || !r.hasField(bf)) continue;
            BigDecimal b = number(r.getField(bf), bf.getType());
            int c = value.compareTo(b);
            boolean ok = switch (bound) {
                case "const" -> c == 0;
                case "lt" -> c < 0;
                case "lte" -> c <= 0;
                case "gt" -> c > 0;
                default -> c >= 0;
            };
            if (!ok) out.add(fp + ": must be " + symbol(bound) + " " + b.toPlainString() + ", got " + value.toPlainString());
        }
        FieldDescriptor in = rd.findFieldByName("in");
        if (in != null && r.getRepeatedFieldCount(in) > 0) {
            boolean found = false;
            for (int i = 0; i < r.getRepeatedFieldCount(in); i++) found |= number(r.getRepeatedField(in, i), in.getType()).compareTo(value) == 0;
            if (!found) out.add(fp + ": must be one of the allowed values, got " + value.toPlainString());
        }
    }

    private static String symbol(String bound) {
        return switch (bound) {
            case "const" -> "=";
            case "lt" -> "<";
            case "lte" -> "<=";
            case "gt" -> ">";
            default -> ">=";
        };
    }

    private static BigDecimal number(Object v, FieldDescriptor.Type type) {
        return switch (type) {
            case UINT32, FIXED32 -> BigDecimal.valueOf(Integer.toUnsignedLong((Integer) v));
            case UINT64, FIXED64 -> new BigDecimal(Long.toUnsignedString((Long) v));
            case FLOAT -> new BigDecimal(Float.toString((Float) v));
            case DOUBLE -> BigDecimal.valueOf((Double) v);
            default -> BigDecimal.valueOf(((Number) v).longValue());
        };
    }

    private static BigDecimal seconds(Duration d) {
        return plain(BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNanos(), 9)));
    }

    /** Compares as a number, prints as {@code 0} or {@code 1.5} (not {@code 0E-9}). */
    private static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** A Duration given as any message of that type (generated or dynamic). */
    private static BigDecimal seconds(MessageOrBuilder d) {
        Descriptor t = d.getDescriptorForType();
        return plain(BigDecimal.valueOf((Long) d.getField(t.findFieldByName("seconds")))
                .add(BigDecimal.valueOf((Integer) d.getField(t.findFieldByName("nanos")), 9)));
    }

    private static String typeUrl(MessageOrBuilder any) {
        FieldDescriptor f = any.getDescriptorForType().findFieldByName("type_url");
        return f == null ? "" : (String) any.getField(f);
    }

    private static Pattern pattern(String re2) {
        return PATTERNS.computeIfAbsent(re2, p -> {
            try {
                return Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                return null; // an RE2 construct Java lacks: not checked rather than guessed
            }
        });
    }

    private Descriptor packed(String typeUrl) {
        return packedTypes.apply(typeUrl);
    }
}
