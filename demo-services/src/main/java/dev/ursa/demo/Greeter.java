package dev.ursa.demo;

import com.google.protobuf.StringValue;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

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

    /** {@code <service> in <zone> (instance <instance>) got "<message>"}. */
    public static String answer(Instance instance, String message) {
        return "%s in %s (instance %s) got \"%s\"".formatted(instance.service(), instance.zone(), instance.name(), message);
    }

    public static ServerServiceDefinition service(Instance instance) {
        return ServerServiceDefinition.builder("ursa.demo.Greeter")
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((request, reply) -> {
                    reply.onNext(StringValue.of(answer(instance, request.getValue())));
                    reply.onCompleted();
                }))
                .build();
    }

    /** One running copy of a demo service: its mesh service name, the zone it runs in, its Dataplane name. */
    public record Instance(String service, String zone, String name) {
    }
}
