package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import dev.ursa.cp.api.NotFoundException;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.MergedConf;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.validation.Violation;
import dev.ursa.zone.xds.mtls.WorkloadCertificate;
import dev.ursa.zone.xds.render.PatchFailure;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.RenderFailure;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.OutboundView;
import dev.ursa.zone.xds.view.PolicyRules;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a dataplane receives and why, as the zone's REST API ({@link DataplaneInspectionApi}) and the global (over KDS's
 * Inspect stream, {@code dev.ursa.zone.kds.KdsInspector}) show it: {@link #config} is its xDS (the pushed config when
 * the node is connected, else rendered now in {@code flavour} envoy|proxyless, default envoy); {@link #policies} lists
 * the policies that select it with the matcher's reason, what of each is not applied (validator warnings, what the
 * dataplane's flavour cannot apply: {@link PolicyPlugin#notApplied}, and edits of the config the renderer left out
 * because they failed: {@link PatchFailure}), and the effective conf per destination and per inbound. Private keys are
 * never part of it (the certificate is described, not included). Both throw {@link NotFoundException} for a dataplane
 * the zone does not know. Stateless.
 */
@ApplicationScoped
public class DataplaneInspection {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final XdsEngine engine;

    public DataplaneInspection(XdsEngine engine) {
        this.engine = engine;
    }

    /** @param flavour envoy, proxyless, or null (envoy) for a node that is not connected */
    public ObjectNode config(String mesh, String name, String flavour) {
        XdsEngine.Rendered r = rendered(mesh, name, flavour);
        XdsResources res = r.resources();
        ObjectNode body = NODES.objectNode();
        body.put("node", mesh + "." + name);
        body.put("flavour", r.view() == null ? null : r.view().flavour().name().toLowerCase());
        body.put("connected", r.connected());
        if (r.failure() != null) body.set("renderError", failure(r.failure()));
        if (res == null) return body; // cannot be computed, and no last good config to show
        if (!res.patchFailures().isEmpty()) {
            ArrayNode left = body.putArray("policiesLeftOut"); // see _policies: their edit of this config failed
            res.patchFailures().forEach(f -> left.addObject().put("type", f.type()).put("policy", f.policy()).put("field", f.field())
                    .put("message", f.message()));
        }
        ObjectNode versions = body.putObject("versions");
        versions.put("listeners", res.listenersVersion());
        versions.put("routes", res.routesVersion());
        versions.put("clusters", res.clustersVersion());
        versions.put("endpoints", res.endpointsVersion());
        if (r.certificate() != null) {
            // What it holds, never the key: the certificate itself comes over SDS only.
            WorkloadCertificate c = r.certificate();
            ObjectNode cert = body.putObject("certificate");
            c.uris().forEach(cert.putArray("uris")::add);
            cert.put("serial", c.serial());
            cert.put("issuer", c.issuerId());
            cert.put("notAfter", c.notAfter().toString());
            cert.put("renewAt", c.renewAt().toString());
        }
        body.set("listeners", array(res.listeners()));
        body.set("routes", array(res.routes()));
        body.set("clusters", array(res.clusters()));
        body.set("endpoints", array(res.endpoints()));
        return body;
    }

    /** @param flavour as for {@link #config} */
    public ObjectNode policies(String mesh, String name, String flavour) {
        XdsEngine.Rendered r = rendered(mesh, name, flavour);
        DataplaneView view = r.view();
        ObjectNode body = NODES.objectNode();
        body.put("dataplane", mesh + "." + name);
        body.put("registered", view != null && view.registered());
        if (r.failure() != null) body.set("renderError", failure(r.failure()));
        ArrayNode items = body.putArray("policies");
        if (view == null) return body;
        List<PatchFailure> patchFailures = r.resources() == null ? List.of() : r.resources().patchFailures();
        view.policies().forEach((type, rules) -> items.add(policy(type, rules, view, patchFailures)));
        return body;
    }

    private ObjectNode policy(ResourceType type, PolicyRules rules, DataplaneView view, List<PatchFailure> patchFailures) {
        ObjectNode o = NODES.objectNode();
        o.put("type", type.name());
        ArrayNode matched = o.putArray("matched");
        for (PolicyMatch m : rules.matches()) {
            ObjectNode entry = matched.addObject().put("name", m.name()).put("reason", m.reason());
            // What the policy holds that has no effect (the API said so as a Warning header when it was written).
            List<Violation> notApplied = new ArrayList<>(ResourceValidation.check(m.policy()).warnings());
            // ... and the whole policy when its type means nothing to this dataplane's flavour (e.g. TCP routes to gRPC).
            engine.notApplied(type, view.flavour()).ifPresent(why -> notApplied.add(new Violation("spec", why)));
            // ... and what the renderer left out of this dataplane's config because applying it failed (MeshProxyPatch)
            String policy = m.policy().meta().mesh() + "/" + m.name();
            patchFailures.stream().filter(f -> f.type().equals(type.name()) && f.policy().equals(policy)).forEach(f -> notApplied.add(
                    new Violation(f.field(), "not applied to this dataplane: " + f.message() + "; it gets its config without this policy")));
            if (!notApplied.isEmpty()) {
                ArrayNode w = entry.putArray("notApplied");
                notApplied.forEach(v -> w.addObject().put("field", v.field()).put("message", v.message()));
            }
        }
        ObjectNode to = o.putObject("to");
        rules.to().meshDefault().ifPresent(c -> to.set("*", conf(c)));
        for (OutboundView out : view.outbounds()) {
            rules.to().forService(out.service()).ifPresent(c -> to.set(out.service(), conf(c)));
        }
        ObjectNode from = o.putObject("from");
        for (FromRules.InboundRules in : rules.from().inbounds()) {
            ArrayNode entries = from.putArray(in.inbound().serviceName() + ":" + in.inbound().portOrZero());
            in.entries().forEach(e -> entries.addObject().put("policy", e.policy().name())
                    .set("item", Json.JSON.valueToTree(e.item())));
        }
        return o;
    }

    /** Why the config cannot be computed; what is shown beside it is the last good config. */
    private static ObjectNode failure(RenderFailure f) {
        ObjectNode o = NODES.objectNode();
        o.put("type", f.type());
        ArrayNode names = o.putArray("resources");
        f.resources().forEach(names::add);
        o.put("message", f.message());
        o.put("since", f.since().toString());
        o.put("effect", "the dataplane keeps its last good configuration until this is fixed");
        return o;
    }

    private static ObjectNode conf(MergedConf c) {
        ObjectNode o = NODES.objectNode();
        o.set("conf", c.json());
        ArrayNode p = o.putArray("policies");
        c.policies().forEach(p::add);
        return o;
    }

    private XdsEngine.Rendered rendered(String mesh, String name, String flavour) {
        NodeId id;
        try {
            id = new NodeId(mesh, name);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("no dataplane " + mesh + "/" + name);
        }
        Flavour f = flavour == null ? Flavour.ENVOY : Flavour.parse(flavour).orElse(Flavour.ENVOY);
        return engine.inspect(id, f).orElseThrow(() -> new NotFoundException("no Dataplane \"" + name + "\" in mesh \"" + mesh + "\" and no xDS node \"" + mesh + "." + name + "\""));
    }

    private static ArrayNode array(List<? extends Message> messages) {
        ArrayNode a = NODES.arrayNode();
        for (Message m : messages) {
            try {
                JsonNode n = Json.JSON.readTree(XdsJson.print(m));
                a.add(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return a;
    }
}
