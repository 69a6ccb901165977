package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.google.re2j.Pattern;

/**
 * The few string checks of Go's {@code asaskevich/govalidator} that Kuma's validators call, ported so the same values
 * pass and fail: {@code IsURL}, {@code IsFilePath} and {@code IsJSON}. Its regexes run on RE2 (re2j), as in Go: the
 * same matches, and linear time on hostile input (java.util.regex backtracks for seconds on a long bad URL). Also
 * {@code IsIP}, {@code IsCIDR} and {@code IsDNSName}, over {@link GoNet}'s port of Go's {@code net.ParseIP}.
 */
public final class GoValidators {
    private static final String IP = "(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}"
            + "|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}"
            + "|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}"
            + "|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}"
            + "|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])"
            + "|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))";
    private static final String URL_SCHEMA = "((ftp|tcp|udp|wss?|https?):\\/\\/)";
    private static final String URL_USERNAME = "(\\S+(:\\S*)?@)";
    private static final String URL_PATH = "((\\/|\\?|#)[^\\s]*)";
    private static final String URL_PORT = "(:(\\d{1,5}))";
    private static final String URL_IP = "([1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3]|24\\d|25[0-5])(\\.(\\d{1,2}|1\\d\\d|2[0-4]\\d|25[0-5])){2}(?:\\.([0-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-5]))";
    private static final String URL_SUBDOMAIN = "((www\\.)|([a-zA-Z0-9]+([-_\\.]?[a-zA-Z0-9])*[a-zA-Z0-9]\\.[a-zA-Z0-9]+))";
    private static final Pattern URL = Pattern.compile("^" + URL_SCHEMA + "?" + URL_USERNAME + "?" + "((" + URL_IP + "|(\\[" + IP + "\\])|(([a-zA-Z0-9]([a-zA-Z0-9-_]+)?[a-zA-Z0-9]([-\\.][a-zA-Z0-9]+)*)|("
            + URL_SUBDOMAIN + "?))?(([a-zA-Z\\x{00a1}-\\x{ffff}0-9]+-?-?)*[a-zA-Z\\x{00a1}-\\x{ffff}0-9]+)(?:\\.([a-zA-Z\\x{00a1}-\\x{ffff}]{1,}))?))\\.?"
            + URL_PORT + "?" + URL_PATH + "?$");
    private static final Pattern WIN_PATH = Pattern.compile("^[a-zA-Z]:\\\\(?:[^\\\\/:*?\"<>|\\r\\n]+\\\\)*[^\\\\/:*?\"<>|\\r\\n]*$");
    private static final Pattern UNIX_PATH = Pattern.compile("^(/[^/\\x00]*)+/?$");
    private static final Pattern DNS_NAME = Pattern.compile("^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$");
    private static final ObjectMapper STRICT_JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private GoValidators() {
    }

    /** govalidator.IsURL: a URL, or host[:port][path] without a scheme (Kuma's TCP log address, e.g. "127.0.0.1:5000"). */
    public static boolean isUrl(String str) {
        if (str == null || str.isEmpty() || str.codePointCount(0, str.length()) >= 2083 || str.length() <= 3 || str.startsWith(".")) {
            return false;
        }
        String withScheme = str.contains(":") && !str.contains("://") ? "http://" + str : str;
        GoUrl u = GoUrl.parse(withScheme);
        if (u == null || u.host().startsWith(".")) return false;
        if (u.host().isEmpty() && !u.path().isEmpty() && !u.path().contains(".")) return false;
        return URL.matcher(str).matches();
    }

    /** govalidator.IsIP: Go's {@code net.ParseIP} succeeds. */
    public static boolean isIp(String s) {
        return GoNet.parseIp(s).isPresent();
    }

    /** govalidator.IsCIDR: Go's {@code net.ParseCIDR} succeeds. */
    public static boolean isCidr(String s) {
        return GoNet.isCidr(s);
    }

    /** govalidator.IsDNSName: at most 255 characters without the dots, not an IP address, labels of up to 63 characters. */
    public static boolean isDnsName(String s) {
        if (s == null || s.isEmpty() || s.replace(".", "").length() > 255) return false;
        return !isIp(s) && DNS_NAME.matcher(s).matches();
    }

    /** govalidator.IsFilePath: a Windows or Unix absolute path. */
    public static boolean isFilePath(String str) {
        if (str == null) return false;
        if (WIN_PATH.matcher(str).matches()) return str.length() - 3 <= 32767;
        return UNIX_PATH.matcher(str).matches();
    }

    /** govalidator.IsJSON: the text is one JSON value. */
    public static boolean isJson(String str) {
        try {
            STRICT_JSON.readTree(str);
            return !str.isBlank();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The parts of Go's url.Parse that IsURL looks at; null where Go returns an error. */
    private record GoUrl(String host, String path) {
        static GoUrl parse(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == 0x7f) return null; // net/url: invalid control character in URL
            }
            String rest = s;
            int hash = rest.indexOf('#');
            if (hash >= 0) rest = rest.substring(0, hash);
            int schemeEnd = schemeEnd(rest);
            if (schemeEnd < 0) return null;
            if (schemeEnd > 0) rest = rest.substring(schemeEnd + 1);
            int query = rest.indexOf('?');
            if (query >= 0) rest = rest.substring(0, query);
            if (schemeEnd <= 0 && !rest.startsWith("/")) {
                int colon = rest.indexOf(':');
                int slash = rest.indexOf('/');
                // "first path segment in URL cannot contain colon"
                if (colon >= 0 && (slash < 0 || colon < slash)) return null;
            }
            if (!rest.startsWith("//")) return new GoUrl("", rest);
            rest = rest.substring(2);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash);
            int at = authority.lastIndexOf('@');
            String hostPort = at < 0 ? authority : authority.substring(at + 1);
            if (!validPort(hostPort)) return null;
            return new GoUrl(hostPort, path);
        }

        /** The index of the scheme's ':' (0 when there is no scheme); -1 for Go's "missing protocol scheme". */
        private static int schemeEnd(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isLetter(c) && c < 128) continue;
                if ((Character.isDigit(c) || c == '+' || c == '-' || c == '.') && c < 128) {
                    if (i == 0) return 0;
                    continue;
                }
                if (c == ':') return i == 0 ? -1 : i;
                return 0;
            }
            return 0;
        }

        /** Go checks that what follows the host's last ':' is digits (IPv6 literals are bracketed). */
        private static boolean validPort(String hostPort) {
            int close = hostPort.lastIndexOf(']');
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0 || colon < close) return true;
            if (hostPort.startsWith("[") && close < 0) return false;
            for (int i = colon + 1; i < hostPort.length(); i++) {
                if (!Character.isDigit(hostPort.charAt(i)) || hostPort.charAt(i) > '9') return false;
            }
            return true;
        }
    }
}
