package dev.ursa.cp.mtls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code ursa.mtls.*}: the lifecycle of mesh certificate authorities (docs/mtls.md, "Certificate authorities"). */
@ConfigMapping(prefix = "ursa.mtls")
public interface MtlsConfig {
    /**
     * How long the Secrets of a builtin CA are kept once its backend is no longer enabled nor listed in the mesh's
     * {@code mtls.backends}: zones keep trusting the old CA until every workload certificate it signed is replaced.
     */
    @WithDefault("1h")
    Duration caRetirementDelay();
}
