package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

import java.util.List;
import java.util.regex.Pattern;

/** Kuma's {@code mesh.ValidateMatch} with its messages (SPIFFE ID rules of go-spiffe's {@code spiffeid.FromString}). */
public final class InboundMatchRules {
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private InboundMatchRules() {
    }

    /** Validates {@code matches[i]} under {@code path} (the list's path). */
    public static void validate(List<InboundMatch> matches, FieldPath path, Violations out) {
        if (matches == null) return;
        for (int i = 0; i < matches.size(); i++) {
            InboundMatch m = matches.get(i);
            if (m != null) validate(m, path.index(i), out);
        }
    }

    /** Validates one match under {@code path} (its own path); the SPIFFE ID's type is not looked at. */
    public static void validate(InboundMatch match, FieldPath path, Violations out) {
        if (match.spiffeID() != null) {
            String problem = spiffeIdProblem(match.spiffeID().value());
            if (problem != null) out.add(path.field("spiffeID"), "must be a valid Spiffe ID: " + problem);
        }
        if (match.sni() != null) {
            String type = match.sni().type();
            if (type == null || type.isEmpty()) {
                out.add(path.field("sni").field("type"), "must be set");
            } else if (!type.equals("Exact")) {
                out.add(path.field("sni").field("type"), "unrecognized type \"" + type + "\", supported values are: Exact");
            }
            String value = match.sni().value();
            if (value == null || value.isEmpty()) {
                out.add(path.field("sni").field("value"), "must be set");
            } else {
                if (value.length() > 253) out.add(path.field("sni").field("value"), "must be no more than 253 characters");
                if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
                    out.add(path.field("sni").field("value"), "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                            + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                            + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
                }
            }
        }
    }

    /** go-spiffe's reason a string is not a SPIFFE ID, or null when it is one. */
    static String spiffeIdProblem(String id) {
        if (id == null || id.isEmpty()) return "cannot be empty";
        if (!id.startsWith("spiffe://")) return "scheme is missing or invalid";
        String rest = id.substring("spiffe://".length());
        int slash = rest.indexOf('/');
        String td = slash < 0 ? rest : rest.substring(0, slash);
        if (td.isEmpty()) return "trust domain is missing";
        if (!TRUST_DOMAIN.matcher(td).matches()) {
            return "trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores";
        }
        if (slash < 0) return null;
        String path = rest.substring(slash);
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty()) return i == segments.length - 1 ? "path cannot have a trailing slash" : "path cannot contain empty segments";
            if (s.equals(".") || s.equals("..")) return "path cannot contain dot segments";
            if (!SEGMENT.matcher(s).matches()) {
                return "path segment characters are limited to letters, numbers, dots, dashes, and underscores";
            }
        }
        return null;
    }
}
