package dev.ursa.cp.api.auth;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which access each admin API request needs, from its method and (normalised) path alone, so one rule covers every
 * resource, the {@code /q/*} endpoints and whatever later adds a path. Only liveness/readiness probes and the web GUI's
 * static files ({@code /gui/*}: pages and scripts without data, which read everything through this API with the
 * user's credentials) are open; reads
 * need a readonly or admin caller (secrets read with their data redacted); writes, token endpoints, KDS material and
 * the internal global secrets need an admin, even to read.
 */
public final class AccessRules {
    private static final Set<String> OPEN_PATHS = Set.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started");
    /** The GUI's static files: open so that a browser without a token can load the login form. */
    private static final Pattern GUI_ASSETS = Pattern.compile("^/gui(/[A-Za-z0-9._-]*)?$");
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /**
     * Token endpoints, KDS trust material ({@code /kds/ca.pem}) and the internal global secrets. Mesh Secrets
     * ({@code /meshes/{mesh}/secrets}, {@code /secrets}) are read like other resources, their data redacted for callers
     * who are not admins ({@code ResourceApi}); writing them needs an admin, as every write does.
     */
    private static final Pattern ADMIN_ONLY = Pattern.compile("^/(tokens|kds|global-secrets)(/.*)?$", Pattern.CASE_INSENSITIVE);

    private AccessRules() {
    }

    public static Access required(String method, String path) {
        String m = method.toUpperCase(Locale.ROOT);
        String p = normalise(path);
        boolean read = READ_METHODS.contains(m);
        if (read && !m.equals("OPTIONS") && (OPEN_PATHS.contains(p) || GUI_ASSETS.matcher(p).matches())) return Access.OPEN;
        if (!read || ADMIN_ONLY.matcher(p).matches()) return Access.ADMIN;
        return Access.READ;
    }

    /**
     * Without matrix parameters ({@code ;x=y} in a segment), trailing slashes and repeated slashes, so that no spelling
     * of a path a router would still match escapes its rule. Dot segments and percent-encoding are already resolved by
     * Vert.x's {@code normalizedPath()}.
     */
    private static String normalise(String path) {
        if (path == null || path.isEmpty()) return "/";
        String p = path.replaceAll(";[^/]*", "").replaceAll("/{2,}", "/");
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }
}
