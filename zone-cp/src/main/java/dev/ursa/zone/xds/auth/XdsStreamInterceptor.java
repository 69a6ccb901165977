package dev.ursa.zone.xds.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wraps every ADS call in an {@link XdsStream}: what the authenticator reads the {@code authorization} header from
 * (Envoy sends its dataplane token there, the ingress gateway its zone token) and closes the call through when its
 * token expires or is revoked. Registered on the ADS service ({@code @RegisterInterceptor}); stateless.
 */
@ApplicationScoped
public class XdsStreamInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        XdsStream stream = new XdsStream(headers.get(XdsStream.AUTHORIZATION));
        ServerCall<Q, R> guarded = stream.guard(call);
        return stream.guard(stream.handling(() -> next.startCall(guarded, headers)));
    }
}
