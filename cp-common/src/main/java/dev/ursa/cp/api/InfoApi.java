package dev.ursa.cp.api;

import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /}: what this process is, as Kuma's index endpoint tells. */
@Path("/")
public class InfoApi {
    private final ControlPlaneRole role;
    private final String version;

    public InfoApi(ControlPlaneRole role, @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.role = role;
        this.version = version;
    }

    @GET
    public Response index(@Context HttpHeaders headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("product", "Ursa");
        body.put("version", version);
        body.put("mode", role.mode().wireName());
        body.put("zone", role.zone().orElse(null));
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.ok(ResourceCodec.write(body, out), Formats.mediaType(out)).build();
    }
}
