package dev.ursa.agent;

import dev.ursa.workload.ProxylessXds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The gRPC xDS bootstrap the workload starts with ({@code GRPC_XDS_BOOTSTRAP=<dir>/bootstrap.json}): the zone CP as
 * its xDS server, the node's identity and token, and the {@code file_watcher} certificate provider over the files of
 * {@link CertificateDirectory}. Written with Jackson: the token and the Dataplane text are JSON strings whatever
 * characters they hold.
 */
public final class XdsBootstrap {
    public static final String FILE = "bootstrap.json";
    /**
     * The certificate provider instance the zone CP's TLS contexts name (CDS {@code UpstreamTlsContext}, LDS
     * {@code DownstreamTlsContext}): part of the CP's contract.
     */
    public static final String CERTIFICATE_PROVIDER_INSTANCE = ProxylessXds.CERTIFICATE_PROVIDER_INSTANCE;
    /**
     * The name of the listener an {@code XdsServerBuilder} asks for; the zone CP renders
     * {@code grpc/server?xds.resource.listening_address=0.0.0.0:<port>}: part of the CP's contract.
     */
    public static final String SERVER_LISTENER_RESOURCE_NAME_TEMPLATE = ProxylessXds.SERVER_LISTENER_TEMPLATE;
    public static final String FLAVOUR_KEY = "ursa.io/flavour";
    public static final String FLAVOUR = "proxyless";
    public static final String TOKEN_KEY = "dataplane.token";
    public static final String DATAPLANE_KEY = "dataplane.resource";
    /** How often gRPC re-reads the certificate files: a new set is in use within this time. */
    public static final String REFRESH_INTERVAL = "5s";

    private static final ObjectMapper JSON = new ObjectMapper();

    private XdsBootstrap() {
    }

    /** The bootstrap of {@code options} as JSON. */
    static byte[] render(AgentOptions options) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode server = root.putArray("xds_servers").addObject();
        server.put("server_uri", options.cp().toString());
        server.putArray("channel_creds").addObject().put("type", "insecure");
        server.putArray("server_features").add("xds_v3");

        ObjectNode node = root.putObject("node");
        node.put("id", options.nodeId());
        ObjectNode metadata = node.putObject("metadata");
        metadata.put(FLAVOUR_KEY, FLAVOUR);
        metadata.put(TOKEN_KEY, options.token());
        if (options.dataplane() != null) metadata.put(DATAPLANE_KEY, options.dataplane());

        Path current = options.dir().resolve(CertificateDirectory.CURRENT);
        ObjectNode provider = root.putObject("certificate_providers").putObject(CERTIFICATE_PROVIDER_INSTANCE);
        provider.put("plugin_name", "file_watcher");
        ObjectNode config = provider.putObject("config");
        config.put("certificate_file", current.resolve(CertificateDirectory.CERT_FILE).toString());
        config.put("private_key_file", current.resolve(CertificateDirectory.KEY_FILE).toString());
        config.put("ca_certificate_file", current.resolve(CertificateDirectory.CA_FILE).toString());
        config.put("refresh_interval", REFRESH_INTERVAL);

        root.put("server_listener_resource_name_template", SERVER_LISTENER_RESOURCE_NAME_TEMPLATE);
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the xDS bootstrap", e);
        }
    }

    /** Writes {@code <dir>/bootstrap.json} atomically, readable by its owner only (it holds the token). */
    static Path write(AgentOptions options) throws IOException {
        Path file = options.dir().resolve(FILE);
        AtomicFiles.replace(file, render(options), AtomicFiles.OWNER_ONLY);
        return file;
    }
}
