package dev.ursa.mesh.policy.meshmetric;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.ursa.mesh.policy.common.GoNet;
import dev.ursa.mesh.policy.common.OtelRules;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.meshmetric.MeshMetricSpec.Application;
import dev.ursa.mesh.policy.meshmetric.MeshMetricSpec.Backend;
import dev.ursa.mesh.policy.meshmetric.MeshMetricSpec.Conf;
import dev.ursa.mesh.policy.meshmetric.MeshMetricSpec.Profile;
import dev.ursa.mesh.policy.meshmetric.MeshMetricSpec.Profiles;
import dev.ursa.mesh.policy.meshmetric.MeshMetricSpec.Selector;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshMetric rules (pkg/plugins/policies/meshmetric/api/v1alpha1/validator.go), with its field paths as
 * Kuma writes them, quirks included: {@code spec.default.applications.application[0]} for an application's port,
 * {@code spec.default.backends.backend[0].port} for a Prometheus port. Top-level MeshGateway (with listener tags) is
 * for system-role policies, which every universal policy without a {@code kuma.io/policy-role} label is.
 * <p>
 * Ursa does not apply MeshMetric yet: every accepted policy carries a warning saying so (a {@code Warning} header on
 * write, {@code notApplied} in {@code _policies}).
 */
public final class MeshMetricValidator implements SpecValidator<MeshMetricSpec> {
    public static final String NOT_APPLIED = "accepted but not applied yet: Ursa renders no MeshMetric configuration "
            + "(no Prometheus scrape listener, no OpenTelemetry export) for any dataplane flavour";
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshService, MeshServiceSubset, MeshGateway, Dataplane);

    @Override
    public void validate(MeshMetricSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, false, out);
        }
        FieldPath def = path.field("default");
        Conf conf = spec.defaults() == null ? new Conf(null, null, null) : spec.defaults();
        if (conf.sidecar() != null && conf.sidecar().profiles() != null) {
            Profiles profiles = conf.sidecar().profiles();
            FieldPath p = def.field("sidecar").field("profiles");
            if (profiles.exclude() != null) selectors(profiles.exclude(), p.field("exclude"), out);
            if (profiles.include() != null) selectors(profiles.include(), p.field("include"), out);
            if (profiles.appendProfiles() != null) {
                for (int i = 0; i < profiles.appendProfiles().size(); i++) {
                    Profile profile = profiles.appendProfiles().get(i);
                    String name = profile == null || profile.name() == null ? "" : profile.name();
                    if (!List.of("All", "None", "Basic").contains(name)) {
                        out.add(p.field("appendProfiles").index(i).field("name"),
                                "unrecognized profile name '" + name + "' - 'All', 'None', 'Basic' are supported");
                    }
                }
            }
        }
        if (conf.applications() != null) {
            for (int i = 0; i < conf.applications().size(); i++) {
                Application app = conf.applications().get(i);
                // Kuma's path: "applications.application[i]"
                if (app == null || !validPort(app.port())) {
                    out.add(def.field("applications").field("application").index(i), "port must be a valid (1-65535)");
                }
            }
        }
        if (conf.backends() != null) {
            for (int i = 0; i < conf.backends().size(); i++) {
                backend(conf.backends().get(i), def.field("backends").field("backend").index(i), out);
            }
        }
        out.warn(def, NOT_APPLIED);
    }

    private static void backend(Backend backend, FieldPath path, Violations out) {
        String type = backend == null ? "" : String.valueOf(backend.type());
        switch (type) {
            case "Prometheus" -> {
                if (backend.prometheus() == null) {
                    out.add(path.field("prometheus"), "must be defined");
                    return;
                }
                Long port = backend.prometheus().port();
                if (port != null && !validPort(port)) out.add(path.field("port"), "port must be a valid (1-65535)");
                var tls = backend.prometheus().tls();
                if (tls != null && tls.mode() != null && !List.of("Disabled", "ProvidedTLS", "ActiveMTLSBackend").contains(tls.mode())) {
                    out.add(path.field("prometheus").field("tls").field("mode"), "must be one of: Disabled, ProvidedTLS, ActiveMTLSBackend");
                }
            }
            case "OpenTelemetry" -> {
                var otel = backend.openTelemetry();
                if (otel == null) {
                    out.add(path.field("openTelemetry"), "must be defined");
                    return;
                }
                FieldPath p = path.field("openTelemetry");
                Violations own = new Violations();
                OtelRules.backendRefOrEndpoint(otel.endpoint(), otel.backendRef(), p, own);
                out.addAll(own.list());
                boolean endpointOnly = otel.endpoint() != null && !otel.endpoint().isEmpty() && otel.backendRef() == null;
                if (own.isEmpty() && endpointOnly && GoNet.splitHostPort(otel.endpoint()).isEmpty()) {
                    out.add(p.field("endpoint"), "must be in host:port format"); // MeshMetric keeps its older host:port rule
                }
            }
            default -> out.add(path, "unrecognized type");
        }
    }

    private static void selectors(List<Selector> selectors, FieldPath path, Violations out) {
        for (int i = 0; i < selectors.size(); i++) {
            Selector s = selectors.get(i);
            String type = s == null || s.type() == null ? "" : s.type();
            switch (type) {
                case "Regex" -> {
                    if (!compiles(s.match() == null ? "" : s.match())) out.add(path.index(i).field("match"), "invalid regex");
                }
                case "Prefix", "Exact", "Contains" -> {
                }
                default -> out.add(path.index(i).field("type"), "unrecognized type '" + type + "' - 'Regex', 'Prefix', 'Exact' are supported");
            }
        }
    }

    /** Kuma's {@code regexp.Compile}: Go's RE2 syntax, which re2j implements. */
    private static boolean compiles(String regex) {
        try {
            Pattern.compile(regex);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private static boolean validPort(Long port) {
        return port != null && port >= 1 && port <= 65535;
    }
}
