package dev.ursa.zone.ingress;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.ursa.mesh.crosszone.IngressXds;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import io.envoyproxy.envoy.config.core.v3.Node;

import java.util.regex.Pattern;

/**
 * An ingress as it identifies itself over xDS: node id {@code ingress/<name>} and its networking in node metadata
 * {@code ursa.io/ingress: {address, port, advertisedAddress, advertisedPort}} (see {@link IngressXds}).
 */
public record IngressNode(String name, ZoneIngressSpec.Networking networking) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

    public static boolean isIngress(Node node) {
        return node.getId().startsWith(IngressXds.NODE_ID_PREFIX);
    }

    /** Parses an ingress node; the message of the exception says what is wrong. */
    public static IngressNode parse(Node node) {
        String name = node.getId().substring(IngressXds.NODE_ID_PREFIX.length());
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("ingress node id \"" + node.getId() + "\": name must be letters, digits, '.', '_' and '-' "
                    + "(expected \"" + IngressXds.NODE_ID_PREFIX + "<name>\")");
        }
        Value v = node.getMetadata().getFieldsOrDefault(IngressXds.NODE_METADATA, null);
        if (v == null || !v.hasStructValue()) {
            throw new IllegalArgumentException("ingress node \"" + name + "\" needs node metadata \"" + IngressXds.NODE_METADATA
                    + "\": {address, port, advertisedAddress, advertisedPort}");
        }
        Struct s = v.getStructValue();
        Integer port = number(s, "port", name);
        if (port == null) throw new IllegalArgumentException("ingress node \"" + name + "\": metadata \"" + IngressXds.NODE_METADATA + ".port\" is required");
        return new IngressNode(name, new ZoneIngressSpec.Networking(text(s, "address"), text(s, "advertisedAddress"), port,
                number(s, "advertisedPort", name), null));
    }

    private static String text(Struct s, String field) {
        Value v = s.getFieldsOrDefault(field, null);
        return v == null || !v.hasStringValue() || v.getStringValue().isEmpty() ? null : v.getStringValue();
    }

    private static Integer number(Struct s, String field, String name) {
        Value v = s.getFieldsOrDefault(field, null);
        if (v == null) return null;
        if (v.hasNumberValue()) return (int) v.getNumberValue();
        if (v.hasStringValue()) {
            try {
                return Integer.parseInt(v.getStringValue());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("ingress node \"" + name + "\": metadata \"" + IngressXds.NODE_METADATA + "." + field + "\" must be a port number");
    }
}
