package dev.ursa.cp.diagnostics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code ursa.diagnostics.*}: the read-only health and metrics port (docs/security.md, "Diagnostics port"). */
@ConfigMapping(prefix = "ursa.diagnostics")
public interface DiagnosticsConfig {
    /** Off: health and metrics only on the admin port. */
    @WithDefault("true")
    boolean enabled();

    /** 5680 (Kuma's diagnostics port); 0 = any free port (tests). */
    @WithDefault("5680")
    int port();

    /** Probes and scrapers come from other hosts: every interface by default. */
    @WithDefault("0.0.0.0")
    String host();
}
