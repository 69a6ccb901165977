package dev.ursa.zone.xds.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.NodeId;
import dev.ursa.zone.xds.XdsJson;
import dev.ursa.zone.xds.render.Renderer;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.CrossZoneEndpoints;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.LocalEndpoints;
import dev.ursa.zone.xds.view.MeshInputs;
import dev.ursa.zone.xds.view.ViewBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden-file checks for policy plugins: {@code testdata/<case>.input.yaml} (policies, added to the shared
 * {@code plugins/testdata/base.yaml} mesh of dataplanes) is rendered for the dataplane {@code web-1} and compared with
 * {@code testdata/<case>.<flavour>.golden.json}. A {@code Mesh} in the input is the mesh's (e.g. to turn mTLS on).
 *
 * <p>A check only compares: a missing golden file fails it. Golden files are written by one explicit command that never
 * runs in {@code verify}, {@value #UPDATE_COMMAND} ({@link UpdateGoldens}); review the diff it leaves before committing.
 */
public final class Golden {
    static final Path RESOURCES = Path.of("src/test/resources");
    /** The zone web-1 runs in; ZoneIngresses of other zones in a case's input are cross-zone endpoints. */
    public static final String ZONE = "zone-1";
    static final Path BASE = RESOURCES.resolve("dev/ursa/zone/xds/plugins/testdata/base.yaml");
    static final String UPDATE_PROPERTY = "ursa.updateGolden";
    static final String UPDATE_COMMAND = "./mvnw -B -pl zone-cp -am test -Dtest=UpdateGoldens -Dursa.updateGolden=true "
            + "-Dsurefire.failIfNoSpecifiedTests=false";

    /** Set only by {@link UpdateGoldens} while it runs the plugin tests: checks write instead of comparing. */
    static volatile List<Path> writing;

    private Golden() {
    }

    public static void check(Class<?> test, String caseName, Flavour flavour) throws IOException {
        Path dir = RESOURCES.resolve(test.getPackageName().replace('.', '/')).resolve("testdata");
        List<Resource> resources = new ArrayList<>(read(BASE));
        resources.addAll(read(dir.resolve(caseName + ".input.yaml")));
        JsonNode actual = render(resources, flavour);
        Path golden = dir.resolve(caseName + "." + flavour.name().toLowerCase() + ".golden.json");
        List<Path> written = writing;
        if (written != null) {
            Files.writeString(golden, actual.toPrettyString() + "\n");
            written.add(golden);
            return;
        }
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            throw new AssertionError("-D" + UPDATE_PROPERTY + " does not rewrite golden files in a test run (nothing was written): "
                    + "run only " + UPDATE_COMMAND);
        }
        if (!Files.exists(golden)) {
            throw new AssertionError("golden file " + golden + " is missing (nothing was written). Write it with " + UPDATE_COMMAND
                    + ", review it against Envoy's documentation and commit it");
        }
        JsonNode expected = Json.JSON.readTree(Files.readString(golden));
        assertThat(actual.toPrettyString()).as("%s (if the change is intended: %s, then review the diff)", golden, UPDATE_COMMAND)
                .isEqualTo(expected.toPrettyString());
    }

    /** What web-1 gets from the base mesh plus a case's input, for assertions beyond the case's golden file. */
    public static XdsResources resources(Class<?> test, String caseName, Flavour flavour) throws IOException {
        Path dir = RESOURCES.resolve(test.getPackageName().replace('.', '/')).resolve("testdata");
        List<Resource> resources = new ArrayList<>(read(BASE));
        resources.addAll(read(dir.resolve(caseName + ".input.yaml")));
        return renderResources(resources, flavour);
    }

    /** What web-1 gets from the base mesh alone (no case). */
    public static XdsResources baseResources(Flavour flavour) throws IOException {
        return renderResources(read(BASE), flavour);
    }

    static JsonNode render(List<Resource> resources, Flavour flavour) {
        XdsResources res = renderResources(resources, flavour);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("listeners", array(res.listeners()));
        out.set("routes", array(res.routes()));
        out.set("clusters", array(res.clusters()));
        out.set("endpoints", array(res.endpoints()));
        return out;
    }

    private static XdsResources renderResources(List<Resource> resources, Flavour flavour) {
        Map<String, Resource> dataplanes = new HashMap<>();
        Map<ResourceType, List<Resource>> policies = new HashMap<>();
        List<Resource> ingresses = new ArrayList<>();
        Optional<Resource> mesh = Optional.empty();
        for (Resource r : resources) {
            if (r.type() == ResourceTypes.MESH) mesh = Optional.of(r);
            else if (r.type() == ResourceTypes.DATAPLANE) dataplanes.put(r.meta().name(), r);
            else if (r.type() == ResourceTypes.ZONE_INGRESS) ingresses.add(r);
            else if (r.type().policy()) policies.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r);
        }
        MeshInputs inputs = new MeshInputs("default", mesh, dataplanes, policies, ingresses);
        EndpointIndex index = EndpointIndex.build(inputs, List.of(new LocalEndpoints(ZONE), new CrossZoneEndpoints(ZONE)));
        DataplaneView view = ViewBuilder.build(new NodeId("default", "web-1"), flavour, dataplanes.get("web-1"), true, inputs, index);
        return new Renderer(Plugins.all(), ZONE).render(view, index);
    }

    static List<Resource> read(Path yaml) throws IOException {
        List<Resource> out = new ArrayList<>();
        for (String doc : Files.readString(yaml).split("(?m)^---\\s*$")) {
            if (doc.isBlank()) continue;
            Resource r = ResourceCodec.decode(ResourceCodec.parse(doc.getBytes(StandardCharsets.UTF_8), Format.YAML));
            assertThat(ResourceValidation.check(r).list()).as("%s in %s", r.key(), yaml).isEmpty();
            out.add(r);
        }
        return out;
    }

    private static ArrayNode array(List<? extends Message> messages) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Message m : messages) {
            try {
                a.add(Json.JSON.readTree(XdsJson.print(m)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return a;
    }
}
