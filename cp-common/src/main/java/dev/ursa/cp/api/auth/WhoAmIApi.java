package dev.ursa.cp.api.auth;

import dev.ursa.cp.api.Formats;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /who-am-i}: the caller as the admin API sees it ({@code {"name","groups"}}), to check a token or the
 * loopback rule. Same root as the resource API, so this literal path outranks {@code /{plural}}.
 */
@Path("/")
public class WhoAmIApi {
    private final CurrentCaller caller;

    public WhoAmIApi(CurrentCaller caller) {
        this.caller = caller;
    }

    @GET
    @Path("who-am-i")
    public Response whoAmI(@Context HttpHeaders headers) {
        Caller c = caller.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", c.name());
        body.put("groups", c.groups());
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.ok(ResourceCodec.write(body, out), Formats.mediaType(out)).build();
    }
}
