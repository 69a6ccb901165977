package dev.ursa.zone.xds.plugins.meshproxypatch;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.ursa.mesh.envoy.EnvoyTypes;

import java.util.Map;

/**
 * Kuma's {@code util_proto.Merge} and {@code MergeAnys} (pkg/util/proto): protobuf's merge (set scalars replace, lists
 * append, map entries replace by key, messages merge field by field) except that a {@code Duration} is replaced whole,
 * so {@code connectTimeout: 0.5s} over {@code 5s} is 0.5s, not 5.5s. Stateless.
 */
final class ProtoMerge {
    private ProtoMerge() {
    }

    /** {@code patch} merged into {@code into} (a builder of the same type). */
    static void merge(Message.Builder into, Message patch) {
        for (Map.Entry<FieldDescriptor, Object> e : patch.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.isRepeated()) {
                // protobuf's own merge of one field: lists append, map entries replace by key
                into.mergeFrom(patch.getDefaultInstanceForType().toBuilder().setField(f, e.getValue()).build());
            } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && !f.getMessageType().getFullName().equals(Duration.getDescriptor().getFullName())) {
                Message.Builder nested = ((Message) into.getField(f)).toBuilder();
                merge(nested, (Message) e.getValue());
                into.setField(f, nested.build());
            } else {
                into.setField(f, e.getValue());
            }
        }
    }

    /** Two packed messages of one type merged ({@code patch} over {@code into}); either absent: the other. */
    static Any mergeAnys(Any into, Any patch) throws InvalidProtocolBufferException {
        if (patch == null || patch.equals(Any.getDefaultInstance())) return into;
        if (into == null || into.equals(Any.getDefaultInstance())) return patch;
        if (!patch.getTypeUrl().equals(into.getTypeUrl())) {
            throw new InvalidProtocolBufferException("type URL of dst \"" + into.getTypeUrl() + "\" is different than src \"" + patch.getTypeUrl() + "\"");
        }
        Descriptor type = typeOf(into);
        Message.Builder merged = DynamicMessage.parseFrom(type, into.getValue()).toBuilder();
        merge(merged, DynamicMessage.parseFrom(type, patch.getValue()));
        return pack(merged.build());
    }

    /** The packed message, as its type (from the Envoy API). */
    static Message unpack(Any any) throws InvalidProtocolBufferException {
        return DynamicMessage.parseFrom(typeOf(any), any.getValue());
    }

    static Any pack(Message m) {
        return Any.newBuilder().setTypeUrl("type.googleapis.com/" + m.getDescriptorForType().getFullName())
                .setValue(m.toByteString()).build();
    }

    private static Descriptor typeOf(Any any) throws InvalidProtocolBufferException {
        return EnvoyTypes.find(any.getTypeUrl())
                .orElseThrow(() -> new InvalidProtocolBufferException("unknown type " + any.getTypeUrl()));
    }
}
