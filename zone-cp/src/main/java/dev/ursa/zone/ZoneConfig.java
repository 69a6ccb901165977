package dev.ursa.zone;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** {@code ursa.zone.*}: who this zone is and where its global control plane is. */
@ConfigMapping(prefix = "ursa.zone")
public interface ZoneConfig {
    /** The zone's name (required); unique in the federation. */
    String name();

    /** {@code grpc://host:port} (or {@code grpcs://}) of the global's KDS port; absent = standalone zone. */
    Optional<String> globalAddress();

    /** The zone token issued by the global ({@code POST /tokens/zone}). */
    Optional<String> token();

    /** A file holding the zone token (read at start). */
    Optional<String> tokenFile();
}
