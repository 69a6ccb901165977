package dev.ursa.cp.auth;

import java.util.regex.Pattern;

/**
 * Zone names are DNS labels: lowercase letters, digits and '-', at most 63 characters. Having no dots is what makes
 * the global's names for zone resources ({@code <zone>.<name>}) unique across zones.
 */
public final class ZoneNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private ZoneNames() {
    }

    public static boolean valid(String zone) {
        return zone != null && LABEL.matcher(zone).matches();
    }

    public static String rule() {
        return "a zone name is 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit";
    }
}
