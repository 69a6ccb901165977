package dev.ursa.global.kds;

import dev.ursa.cp.api.NotFoundException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * {@code GET /kds/ca.pem}: the CA certificate zones verify the global's KDS certificate with
 * ({@code ursa.zone.kds.ca-file}), when the global serves a certificate of its own CA. 404 with the reason when KDS is
 * plaintext or serves a configured certificate (then its issuer is the operator's to hand out). Public material, but
 * served under {@code /kds/} with the admin endpoints: who dials KDS is decided by who may fetch its CA. Worker thread
 * (the first call may read the store).
 */
@Path("/kds")
public class KdsCaApi {
    static final String PEM = "application/x-pem-file";
    private final KdsTls tls;

    public KdsCaApi(KdsTls tls) {
        this.tls = tls;
    }

    @GET
    @Path("ca.pem")
    @Produces({PEM, "text/plain"})
    public String ca() {
        if (!tls.enabled()) throw new NotFoundException("KDS is plaintext on this global (ursa.kds.tls.enabled=false): there is no CA to verify");
        return tls.caPem().orElseThrow(() -> new NotFoundException(
                "KDS serves the configured certificate (ursa.kds.tls.cert-file): give zones the CA that issued it"));
    }
}
