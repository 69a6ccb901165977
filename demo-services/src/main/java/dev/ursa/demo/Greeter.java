package dev.ursa.demo;

import com.google.protobuf.StringValue;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The one gRPC method every demo service serves: {@code ursa.demo.Greeter/SayHello}, a {@code google.protobuf.StringValue}
 * in and out (a well-known type, so no code generation). The answer names the service, zone and instance, which is what
 * the demo is about: where a call landed.
 */
public final class Greeter {
    public static final MethodDescriptor<StringValue, StringValue> SAY_HELLO = MethodDescriptor.<StringValue, StringValue>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("ursa.demo.Greeter", "SayHello"))
            .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .build();

    private Greeter() {
    }

    /** The caller's SPIFFE ID from its mesh certificate (mTLS); absent on a plaintext call. */
    private static final Context.Key<String> CALLER = Context.key("ursa.demo.caller");

    /** {@code <service> in <zone> (instance <instance>) got "<message>"}, then {@code from <SPIFFE ID>} over mTLS. */
    public static String answer(Instance instance, String message, String caller) {
        String answer = "%s in %s (instance %s) got \"%s\"".formatted(instance.service(), instance.zone(), instance.name(), message);
        return caller == null ? answer : answer + " from " + caller;
    }

    public static ServerServiceDefinition service(Instance instance) {
        return ServerInterceptors.intercept(ServerServiceDefinition.builder("ursa.demo.Greeter")
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((request, reply) -> {
                    reply.onNext(StringValue.of(answer(instance, request.getValue(), CALLER.get())));
                    reply.onCompleted();
                }))
                .build(), new CallerIdentity());
    }

    /** Puts the caller's SPIFFE ID (the first {@code spiffe://} URI SAN of its certificate) into the call's context. */
    private static final class CallerIdentity implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String caller = spiffeId(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
        }

        private static String spiffeId(SSLSession session) {
            if (session == null) return null;
            try {
                for (Certificate c : session.getPeerCertificates()) {
                    var sans = ((X509Certificate) c).getSubjectAlternativeNames();
                    if (sans == null) continue;
                    for (List<?> san : sans) {
                        if (Integer.valueOf(6).equals(san.get(0)) && san.get(1) instanceof String uri && uri.startsWith("spiffe://")) return uri;
                    }
                }
            } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
                return null; // TLS without a client certificate (a PERMISSIVE server)
            }
            return null;
        }
    }

    /** One running copy of a demo service: its mesh service name, the zone it runs in, its Dataplane name. */
    public record Instance(String service, String zone, String name) {
    }
}
