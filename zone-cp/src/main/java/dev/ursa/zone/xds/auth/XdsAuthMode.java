package dev.ursa.zone.xds.auth;

/** {@code ursa.xds.auth}: how the zone authenticates xDS clients. */
public enum XdsAuthMode {
    /** Dataplanes present a dataplane token, ingresses a zone token with scope ingress (the default). */
    DP_TOKEN,
    /** No authentication: any client that reaches the xDS port is served as whatever it claims. Trusted lab networks only. */
    NONE
}
