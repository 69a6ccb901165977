package dev.ursa.it.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Ursa's own rules for a rendered overlay, on top of schema validity: the process contract of
 * docs/architecture.md (env keys, ports, health paths), resources, security context and least-privilege RBAC.
 * {@link #check} reports every problem found (one line each), not only the first.
 */
final class UrsaManifestRules {
    static final String IMAGE_PREFIX = "ghcr.io/ursa-mesh/";
    private static final Pattern ZONE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** KDS is TLS by default: manifests dial grpcs:// (plaintext grpc:// is a lab switch). */
    private static final Pattern KDS_ADDRESS = Pattern.compile("grpcs://[A-Za-z0-9.-]+:5685");
    private static final Pattern XDS_ADDRESS = Pattern.compile("grpcs?://[A-Za-z0-9.-]+:5678");

    /** The apps, by container name: the keys each must set and the ports the contract gives it. */
    enum App {
        GLOBAL_CP("global-cp", Map.of("http", 5681, "kds", 5685, "diagnostics", 5680),
                Set.of("QUARKUS_HTTP_PORT", "URSA_KDS_PORT", "URSA_STORE_TYPE")),
        ZONE_CP("zone-cp", Map.of("http", 5681, "xds", 5678, "diagnostics", 5680),
                Set.of("QUARKUS_HTTP_PORT", "QUARKUS_GRPC_SERVER_PORT", "URSA_STORE_TYPE", "URSA_ZONE_NAME",
                        "URSA_ZONE_GLOBAL_ADDRESS", "URSA_ZONE_TOKEN_FILE")),
        INGRESS("ingress-gateway", Map.of("http", 5682, "ingress", 10001),
                Set.of("QUARKUS_HTTP_PORT", "URSA_INGRESS_ZONE_CP_ADDRESS", "URSA_INGRESS_PORT",
                        "URSA_INGRESS_ADVERTISED_ADDRESS", "URSA_INGRESS_ADVERTISED_PORT", "URSA_INGRESS_TOKEN_FILE"));

        final String container;
        final Map<String, Integer> ports;
        final Set<String> requiredEnv;

        App(String container, Map<String, Integer> ports, Set<String> requiredEnv) {
            this.container = container;
            this.ports = ports;
            this.requiredEnv = requiredEnv;
        }

        static Optional<App> byContainer(String name) {
            for (App app : values()) if (app.container.equals(name)) return Optional.of(app);
            return Optional.empty();
        }
    }

    /** Every Ursa key the apps read (README.md's configuration table, env form): an unknown URSA_* key is a typo. */
    static final Set<String> KNOWN_URSA_KEYS = Set.of(
            "URSA_STORE_TYPE", "URSA_SECRETS_ENCRYPTION_KEY_FILE", "URSA_SECRETS_ALLOW_PLAINTEXT", "URSA_MTLS_CA_RETIREMENT_DELAY",
            "URSA_API_LOCALHOST_IS_ADMIN", "URSA_API_ADMIN_TOKEN_FILE", "URSA_API_ADMIN_TOKEN_VALID_FOR", "URSA_API_TLS_CERT_FILE",
            "URSA_API_TLS_KEY_FILE", "URSA_DIAGNOSTICS_ENABLED", "URSA_DIAGNOSTICS_PORT", "URSA_DIAGNOSTICS_HOST",
            "URSA_ZONE_NAME", "URSA_ZONE_GLOBAL_ADDRESS", "URSA_ZONE_TOKEN", "URSA_ZONE_TOKEN_FILE", "URSA_ZONE_DATA_DIR",
            "URSA_ZONE_KDS_CA_FILE", "URSA_ZONE_KDS_BACKOFF_MIN", "URSA_ZONE_KDS_BACKOFF_MAX",
            "URSA_ZONE_KDS_KEEPALIVE_TIME", "URSA_ZONE_KDS_KEEPALIVE_TIMEOUT", "URSA_ZONE_KDS_BATCH_WINDOW",
            "URSA_ZONE_KDS_SKIP_VERIFY", "URSA_ZONE_KDS_RESYNC_INTERVAL",
            "URSA_KDS_PORT", "URSA_KDS_AUTH", "URSA_KDS_TLS_ENABLED", "URSA_KDS_TLS_CERT_FILE", "URSA_KDS_TLS_KEY_FILE",
            "URSA_KDS_TLS_HOSTNAMES", "URSA_KDS_BATCH_WINDOW", "URSA_KDS_RESYNC_INTERVAL",
            "URSA_KDS_MAX_RESPONSE_BYTES", "URSA_KDS_KEEPALIVE_TIME", "URSA_KDS_KEEPALIVE_TIMEOUT",
            "URSA_KDS_INSIGHT_INTERVAL",
            "URSA_XDS_ALLOW_UNREGISTERED_CLIENTS", "URSA_XDS_SELF_REGISTRATION_GRACE", "URSA_XDS_DEBOUNCE", "URSA_XDS_AUTH",
            "URSA_INGRESS_ZONE_CP_ADDRESS", "URSA_INGRESS_PORT", "URSA_INGRESS_ADVERTISED_ADDRESS",
            "URSA_INGRESS_ADVERTISED_PORT", "URSA_INGRESS_TOKEN", "URSA_INGRESS_TOKEN_FILE");

    /** What one rendered overlay runs, for cross-overlay checks; {@code replicas}: the fewest of any Deployment of the app. */
    record Summary(List<String> zoneNames, List<String> advertisedIngresses, Set<App> apps, Map<App, Integer> replicas) {
    }

    private final List<HasMetadata> objects;
    private final List<String> problems = new ArrayList<>();
    private final List<String> zoneNames = new ArrayList<>();
    private final List<String> advertised = new ArrayList<>();
    private final Set<App> apps = new java.util.HashSet<>();
    private final Map<App, Integer> replicas = new java.util.EnumMap<>(App.class);

    private UrsaManifestRules(List<HasMetadata> objects) {
        this.objects = objects;
    }

    /** Problems of one rendered overlay (empty = fine), plus what it runs. */
    static Result check(List<HasMetadata> objects) {
        UrsaManifestRules rules = new UrsaManifestRules(objects);
        rules.run();
        return new Result(List.copyOf(rules.problems),
                new Summary(List.copyOf(rules.zoneNames), List.copyOf(rules.advertised), Set.copyOf(rules.apps),
                        Map.copyOf(rules.replicas)));
    }

    record Result(List<String> problems, Summary summary) {
    }

    private void run() {
        for (Deployment d : all(Deployment.class)) checkDeployment(d);
        for (Service s : all(Service.class)) checkService(s);
        checkRbac();
        checkContractServices();
        checkDisruptionBudgets();
    }

    // ---- Deployments ----------------------------------------------------------------------------------------

    private void checkDeployment(Deployment d) {
        String where = "Deployment " + name(d);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        if (pod == null || pod.getContainers() == null || pod.getContainers().isEmpty()) {
            problems.add(where + ": no containers");
            return;
        }
        checkServiceAccount(where, pod);
        for (Container c : pod.getContainers()) {
            String cw = where + " container " + c.getName();
            Optional<App> app = App.byContainer(c.getName());
            if (app.isEmpty()) {
                problems.add(cw + ": not an Ursa app (expected container name global-cp, zone-cp or ingress-gateway)");
                continue;
            }
            apps.add(app.get());
            replicas.merge(app.get(), replicas(d), Math::min);
            if (c.getImage() == null || !c.getImage().startsWith(IMAGE_PREFIX + app.get().container + ":")) {
                problems.add(cw + ": image " + c.getImage() + " is not " + IMAGE_PREFIX + app.get().container + ":<tag>");
            }
            checkResources(cw, c.getResources());
            checkSecurity(cw, pod.getSecurityContext(), c.getSecurityContext());
            Map<String, String> env = environment(cw, c);
            checkEnv(cw, app.get(), env, c, pod);
            checkReplicaStore(where, app.get(), d, env);
            checkPorts(cw, app.get(), c);
            int httpPort = intValue(env.get("QUARKUS_HTTP_PORT")).orElse(-1);
            // Control planes also serve health on their diagnostics port (no credentials, no writes, plain HTTP).
            int diagnosticsPort = app.get().ports.getOrDefault("diagnostics", -1);
            checkProbe(cw + " livenessProbe", c.getLivenessProbe(), "/q/health/live", httpPort, diagnosticsPort, c);
            checkProbe(cw + " readinessProbe", c.getReadinessProbe(), "/q/health/ready", httpPort, diagnosticsPort, c);
            if (c.getStartupProbe() != null) checkProbe(cw + " startupProbe", c.getStartupProbe(), null, httpPort, diagnosticsPort, c);
            checkScrape(cw, d, diagnosticsPort);
            checkMounts(cw, c, pod);
            checkNetworkPolicy(where, app.get(), d, c);
        }
    }

    private void checkServiceAccount(String where, PodSpec pod) {
        String sa = pod.getServiceAccountName();
        if (sa == null || sa.isBlank() || "default".equals(sa)) {
            problems.add(where + ": needs its own serviceAccountName (not the namespace's default)");
        } else if (find(ServiceAccount.class, sa).isEmpty()) {
            problems.add(where + ": ServiceAccount " + sa + " is not part of the rendered manifests");
        }
        if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
            problems.add(where + ": automountServiceAccountToken must be false (the apps do not call the Kubernetes API)");
        }
    }

    private void checkResources(String where, ResourceRequirements r) {
        for (String kind : List.of("requests", "limits")) {
            var map = r == null ? null : ("requests".equals(kind) ? r.getRequests() : r.getLimits());
            for (String resource : List.of("cpu", "memory")) {
                if (map == null || map.get(resource) == null) {
                    problems.add(where + ": resources." + kind + "." + resource + " is missing");
                }
            }
        }
    }

    private void checkSecurity(String where, PodSecurityContext pod, SecurityContext c) {
        boolean nonRoot = (c != null && Boolean.TRUE.equals(c.getRunAsNonRoot()))
                || (pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot()));
        if (!nonRoot) problems.add(where + ": runAsNonRoot must be true (pod or container securityContext)");
        if (c == null) {
            problems.add(where + ": securityContext is missing");
            return;
        }
        if (!Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) problems.add(where + ": allowPrivilegeEscalation must be false");
        if (!Boolean.TRUE.equals(c.getReadOnlyRootFilesystem())) problems.add(where + ": readOnlyRootFilesystem must be true");
        if (c.getCapabilities() == null || c.getCapabilities().getDrop() == null || !c.getCapabilities().getDrop().contains("ALL")) {
            problems.add(where + ": capabilities.drop must contain ALL");
        }
        if (c.getCapabilities() != null && c.getCapabilities().getAdd() != null && !c.getCapabilities().getAdd().isEmpty()) {
            problems.add(where + ": adds capabilities " + c.getCapabilities().getAdd());
        }
    }

    /** The container's environment as the kubelet builds it: envFrom ConfigMaps first, then env literals. */
    private Map<String, String> environment(String where, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : Objects.requireNonNullElse(c.getEnvFrom(), List.<EnvFromSource>of())) {
            if (from.getConfigMapRef() != null) {
                String cm = from.getConfigMapRef().getName();
                find(ConfigMap.class, cm).ifPresentOrElse(
                        m -> env.putAll(Objects.requireNonNullElse(m.getData(), Map.of())),
                        () -> problems.add(where + ": envFrom ConfigMap " + cm + " is not part of the rendered manifests"));
            }
            if (from.getSecretRef() != null && find(Secret.class, from.getSecretRef().getName()).isEmpty()) {
                problems.add(where + ": envFrom Secret " + from.getSecretRef().getName() + " is not part of the rendered manifests");
            }
        }
        for (EnvVar var : Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of())) {
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                var ref = var.getValueFrom().getSecretKeyRef();
                Optional<Secret> secret = find(Secret.class, ref.getName());
                if (secret.isEmpty()) {
                    problems.add(where + ": env " + var.getName() + " refers to Secret " + ref.getName() + ", which is not rendered");
                } else if (!secretKeys(secret.get()).contains(ref.getKey())) {
                    problems.add(where + ": env " + var.getName() + " refers to key " + ref.getKey() + " missing from Secret " + ref.getName());
                }
                env.put(var.getName(), "<secret>");
            } else {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    private void checkEnv(String where, App app, Map<String, String> env, Container c, PodSpec pod) {
        for (String key : app.requiredEnv) {
            if (env.get(key) == null || env.get(key).isBlank()) problems.add(where + ": env " + key + " is not set");
        }
        for (String key : env.keySet()) {
            if (key.startsWith("URSA_") && !KNOWN_URSA_KEYS.contains(key)) {
                problems.add(where + ": env " + key + " is not an Ursa setting (typo?)");
            }
        }
        expectPort(where, env, "QUARKUS_HTTP_PORT", app.ports.get("http"));
        String store = env.get("URSA_STORE_TYPE");
        if (store != null && !Set.of("memory", "postgres").contains(store)) {
            problems.add(where + ": URSA_STORE_TYPE is \"" + store + "\", expected memory or postgres");
        }
        if ("postgres".equals(store)) {
            String url = env.getOrDefault("QUARKUS_DATASOURCE_REACTIVE_URL", "");
            if (!url.startsWith("postgresql://")) problems.add(where + ": postgres store needs QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://...");
            for (String key : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                if (!"<secret>".equals(env.get(key))) problems.add(where + ": " + key + " must come from a Secret");
            }
            // Production mode refuses Postgres without the key that encrypts secrets at rest.
            if (env.get("URSA_SECRETS_ENCRYPTION_KEY_FILE") == null) problems.add(where + ": postgres store needs URSA_SECRETS_ENCRYPTION_KEY_FILE");
            if ("true".equals(env.get("URSA_SECRETS_ALLOW_PLAINTEXT"))) problems.add(where + ": URSA_SECRETS_ALLOW_PLAINTEXT=true is a lab switch");
        }
        switch (app) {
            case GLOBAL_CP -> {
                expectPort(where, env, "URSA_KDS_PORT", app.ports.get("kds"));
                if ("false".equals(env.get("URSA_KDS_TLS_ENABLED"))) problems.add(where + ": URSA_KDS_TLS_ENABLED=false is a lab switch");
            }
            case ZONE_CP -> {
                expectPort(where, env, "QUARKUS_GRPC_SERVER_PORT", app.ports.get("xds"));
                String zone = env.get("URSA_ZONE_NAME");
                if (zone != null) {
                    if (!ZONE_NAME.matcher(zone).matches()) problems.add(where + ": URSA_ZONE_NAME \"" + zone + "\" is not a DNS label");
                    zoneNames.add(zone);
                }
                String global = env.get("URSA_ZONE_GLOBAL_ADDRESS");
                if (global != null && !KDS_ADDRESS.matcher(global).matches()) {
                    problems.add(where + ": URSA_ZONE_GLOBAL_ADDRESS \"" + global + "\" is not grpcs://<host>:5685 (KDS is TLS)");
                }
                String ca = env.get("URSA_ZONE_KDS_CA_FILE");
                if (ca != null && !underSecretMount(ca, c, pod)) {
                    problems.add(where + ": URSA_ZONE_KDS_CA_FILE " + ca + " is not inside a mounted Secret volume");
                }
                if ("true".equals(env.get("URSA_ZONE_KDS_SKIP_VERIFY"))) problems.add(where + ": URSA_ZONE_KDS_SKIP_VERIFY=true is a lab switch");
                String tokenFile = env.get("URSA_ZONE_TOKEN_FILE");
                if (tokenFile != null && !underSecretMount(tokenFile, c, pod)) {
                    problems.add(where + ": URSA_ZONE_TOKEN_FILE " + tokenFile + " is not inside a mounted Secret volume");
                }
            }
            case INGRESS -> {
                String zoneCp = env.get("URSA_INGRESS_ZONE_CP_ADDRESS");
                if (zoneCp != null && !XDS_ADDRESS.matcher(zoneCp).matches()) {
                    problems.add(where + ": URSA_INGRESS_ZONE_CP_ADDRESS \"" + zoneCp + "\" is not grpc(s)://<host>:5678");
                }
                expectPort(where, env, "URSA_INGRESS_PORT", app.ports.get("ingress"));
                if (intValue(env.get("URSA_INGRESS_ADVERTISED_PORT")).isEmpty()) {
                    problems.add(where + ": URSA_INGRESS_ADVERTISED_PORT is not a port number");
                }
                Optional.ofNullable(env.get("URSA_INGRESS_ADVERTISED_ADDRESS")).ifPresent(advertised::add);
                String ingressToken = env.get("URSA_INGRESS_TOKEN_FILE");
                if (ingressToken != null && !underSecretMount(ingressToken, c, pod)) {
                    problems.add(where + ": URSA_INGRESS_TOKEN_FILE " + ingressToken + " is not inside a mounted Secret volume");
                }
            }
        }
    }

    private void expectPort(String where, Map<String, String> env, String key, int expected) {
        String value = env.get(key);
        if (value != null && intValue(value).filter(p -> p == expected).isEmpty()) {
            problems.add(where + ": " + key + " is " + value + ", the contract port is " + expected);
        }
    }

    private void checkPorts(String where, App app, Container c) {
        for (var entry : app.ports.entrySet()) {
            Optional<ContainerPort> port = containerPort(c, entry.getKey());
            if (port.isEmpty()) {
                problems.add(where + ": no container port named " + entry.getKey());
            } else if (port.get().getContainerPort() != entry.getValue().intValue()) {
                problems.add(where + ": port " + entry.getKey() + " is " + port.get().getContainerPort()
                        + ", the contract port is " + entry.getValue());
            }
        }
    }

    /** Prometheus scrapes a control plane's diagnostics port: its admin port needs a token for /q/metrics. */
    private void checkScrape(String where, Deployment d, int diagnosticsPort) {
        Map<String, String> annotations = d.getSpec().getTemplate().getMetadata() == null ? null
                : d.getSpec().getTemplate().getMetadata().getAnnotations();
        if (diagnosticsPort < 0 || annotations == null || !"true".equals(annotations.get("prometheus.io/scrape"))) return;
        if (!Integer.toString(diagnosticsPort).equals(annotations.get("prometheus.io/port"))) {
            problems.add(where + ": prometheus.io/port is " + annotations.get("prometheus.io/port") + ", expected the diagnostics port " + diagnosticsPort);
        }
    }

    private void checkProbe(String where, Probe probe, String expectedPath, int httpPort, int diagnosticsPort, Container c) {
        if (probe == null) {
            problems.add(where + " is missing");
            return;
        }
        if (probe.getHttpGet() == null) {
            problems.add(where + ": must be an httpGet probe");
            return;
        }
        String path = probe.getHttpGet().getPath();
        if (expectedPath != null && !expectedPath.equals(path)) {
            problems.add(where + ": path is " + path + ", expected " + expectedPath);
        } else if (expectedPath == null && (path == null || !path.startsWith("/q/health/"))) {
            problems.add(where + ": path " + path + " is not a /q/health/ endpoint");
        }
        Optional<Integer> port = resolve(probe.getHttpGet().getPort(), c);
        if (port.isEmpty()) {
            problems.add(where + ": port " + show(probe.getHttpGet().getPort()) + " is not a port of the container");
        } else if (port.get() != httpPort && port.get() != diagnosticsPort) {
            problems.add(where + ": port " + show(probe.getHttpGet().getPort()) + " (" + port.get()
                    + ") is not the HTTP port " + httpPort + " (QUARKUS_HTTP_PORT)"
                    + (diagnosticsPort > 0 ? " or the diagnostics port " + diagnosticsPort : "") + " where /q/health is served");
        }
    }

    private void checkMounts(String where, Container c, PodSpec pod) {
        for (VolumeMount m : Objects.requireNonNullElse(c.getVolumeMounts(), List.<VolumeMount>of())) {
            Optional<Volume> volume = volume(pod, m.getName());
            if (volume.isEmpty()) {
                problems.add(where + ": volumeMount " + m.getName() + " has no volume");
            } else if (volume.get().getSecret() != null && find(Secret.class, volume.get().getSecret().getSecretName()).isEmpty()) {
                problems.add(where + ": volume " + m.getName() + " uses Secret " + volume.get().getSecret().getSecretName()
                        + ", which is not rendered");
            }
        }
    }

    private boolean underSecretMount(String file, Container c, PodSpec pod) {
        for (VolumeMount m : Objects.requireNonNullElse(c.getVolumeMounts(), List.<VolumeMount>of())) {
            if (file.startsWith(m.getMountPath() + "/")
                    && volume(pod, m.getName()).map(v -> v.getSecret() != null).orElse(false)) return true;
        }
        return false;
    }

    // ---- replicas, PodDisruptionBudgets ------------------------------------------------------------------------

    /**
     * Control-plane replicas share state only through Postgres (one database, one change feed, one elected leader);
     * the memory store is per process, so a memory-store control plane runs alone and is replaced, never overlapped.
     */
    private void checkReplicaStore(String where, App app, Deployment d, Map<String, String> env) {
        if (app == App.INGRESS) return;
        int count = replicas(d);
        String store = env.get("URSA_STORE_TYPE");
        if (count >= 2 && !"postgres".equals(store)) {
            problems.add(where + ": " + count + " replicas need URSA_STORE_TYPE=postgres, is " + store
                    + " (each replica would serve a state of its own)");
        }
        String strategy = d.getSpec().getStrategy() == null ? "RollingUpdate" : d.getSpec().getStrategy().getType();
        if ("memory".equals(store) && count == 1 && !"Recreate".equals(strategy)) {
            problems.add(where + ": the memory store needs strategy Recreate, is " + strategy
                    + " (a rollout would overlap two instances with different state)");
        }
    }

    /**
     * A Deployment of several replicas has exactly one PodDisruptionBudget (the eviction API refuses pods under two),
     * and no budget forbids every eviction: a drain that can never evict hangs node maintenance instead of protecting
     * anything.
     */
    private void checkDisruptionBudgets() {
        List<PodDisruptionBudget> budgets = all(PodDisruptionBudget.class);
        for (PodDisruptionBudget pdb : budgets) {
            String where = "PodDisruptionBudget " + name(pdb);
            var spec = pdb.getSpec();
            if (spec.getMinAvailable() != null && spec.getMaxUnavailable() != null) {
                problems.add(where + ": sets both minAvailable and maxUnavailable (the API server takes one)");
                continue;
            }
            if (spec.getMinAvailable() == null && spec.getMaxUnavailable() == null) {
                problems.add(where + ": sets neither minAvailable nor maxUnavailable");
                continue;
            }
            List<Deployment> targets = all(Deployment.class).stream().filter(d -> selects(spec.getSelector(), podLabels(d))).toList();
            if (targets.isEmpty()) problems.add(where + ": selector matches no Deployment's pods");
            for (Deployment d : targets) {
                int count = replicas(d);
                int allowed = spec.getMinAvailable() != null
                        ? count - scaled(spec.getMinAvailable(), count)
                        : scaled(spec.getMaxUnavailable(), count);
                if (allowed < 1) {
                    String budget = spec.getMinAvailable() != null ? "minAvailable " + show(spec.getMinAvailable())
                            : "maxUnavailable " + show(spec.getMaxUnavailable());
                    problems.add(where + ": " + budget + " with " + count + " replica(s) of Deployment " + name(d)
                            + " allows no eviction (node drains hang); let one pod go: minAvailable below the replica count"
                            + " or maxUnavailable at least 1");
                }
            }
        }
        for (Deployment d : all(Deployment.class)) {
            int count = replicas(d);
            long covering = budgets.stream().filter(pdb -> selects(pdb.getSpec().getSelector(), podLabels(d))).count();
            if (count >= 2 && covering == 0) {
                problems.add("Deployment " + name(d) + ": " + count
                        + " replicas but no PodDisruptionBudget selects its pods (a drain may evict them all at once)");
            } else if (covering > 1) {
                problems.add("Deployment " + name(d) + ": " + covering
                        + " PodDisruptionBudgets select its pods; the eviction API refuses pods under more than one");
            }
        }
    }

    /** An int or a percentage of {@code total}, rounded up as the disruption controller does. */
    private static int scaled(IntOrString value, int total) {
        if (value.getIntVal() != null) return value.getIntVal();
        String s = value.getStrVal();
        if (s.endsWith("%")) {
            Optional<Integer> percent = intValue(s.substring(0, s.length() - 1));
            if (percent.isPresent()) return (int) Math.ceil(percent.get() * total / 100.0);
        }
        return intValue(s).orElse(0);
    }

    private static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    private static Map<String, String> podLabels(Deployment d) {
        return Objects.requireNonNullElse(d.getSpec().getTemplate().getMetadata().getLabels(), Map.of());
    }

    // ---- Services, RBAC ---------------------------------------------------------------------------------------

    private void checkService(Service s) {
        String where = "Service " + name(s);
        Map<String, String> selector = s.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            problems.add(where + ": has no selector");
            return;
        }
        List<Deployment> targets = all(Deployment.class).stream()
                .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .toList();
        if (targets.isEmpty()) {
            problems.add(where + ": selector " + selector + " matches no Deployment's pods");
            return;
        }
        for (ServicePort port : s.getSpec().getPorts()) {
            IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
            for (Deployment d : targets) {
                boolean served = d.getSpec().getTemplate().getSpec().getContainers().stream()
                        .anyMatch(c -> resolve(target, c).isPresent());
                if (!served) {
                    problems.add(where + ": port " + port.getName() + " targets " + show(target)
                            + ", which no container of Deployment " + name(d) + " exposes");
                }
            }
        }
    }

    /** Each app that runs has a Service exposing its contract ports (5681/5685, 5681/5678, the ingress port). */
    private void checkContractServices() {
        for (App app : apps) {
            for (var entry : app.ports.entrySet()) {
                if (app == App.INGRESS && "http".equals(entry.getKey())) continue; // health only: probed, not exposed
                if ("diagnostics".equals(entry.getKey())) continue; // probed and scraped on the pod, not exposed
                boolean exposed = all(Service.class).stream()
                        .flatMap(s -> s.getSpec().getPorts().stream())
                        .anyMatch(p -> p.getPort() == entry.getValue().intValue());
                if (!exposed) problems.add(app.container + ": no Service exposes the contract port " + entry.getValue()
                        + " (" + entry.getKey() + ")");
            }
        }
        if (apps.contains(App.INGRESS) && all(Service.class).stream()
                .noneMatch(s -> "LoadBalancer".equals(s.getSpec().getType()) && s.getSpec().getPorts().stream()
                        .anyMatch(p -> p.getPort() == App.INGRESS.ports.get("ingress").intValue()))) {
            problems.add("ingress-gateway: no LoadBalancer Service for the ingress port (other zones cannot reach it)");
        }
    }

    private void checkRbac() {
        for (ClusterRole r : all(ClusterRole.class)) problems.add("ClusterRole " + name(r) + ": the apps need no cluster-wide permissions");
        for (ClusterRoleBinding b : all(ClusterRoleBinding.class)) problems.add("ClusterRoleBinding " + name(b) + ": the apps need no cluster-wide permissions");
        for (Role r : all(Role.class)) {
            if (r.getRules() != null && !r.getRules().isEmpty()) {
                problems.add("Role " + name(r) + ": grants " + r.getRules().size()
                        + " rule(s), but the apps do not call the Kubernetes API yet (least privilege: none)");
            }
        }
        for (RoleBinding b : all(RoleBinding.class)) {
            if (!"Role".equals(b.getRoleRef().getKind()) || find(Role.class, b.getRoleRef().getName()).isEmpty()) {
                problems.add("RoleBinding " + name(b) + ": roleRef " + b.getRoleRef().getKind() + " " + b.getRoleRef().getName() + " is not a rendered Role");
            }
            b.getSubjects().stream()
                    .filter(s -> !"ServiceAccount".equals(s.getKind()) || find(ServiceAccount.class, s.getName()).isEmpty())
                    .forEach(s -> problems.add("RoleBinding " + name(b) + ": subject " + s.getKind() + " " + s.getName() + " is not a rendered ServiceAccount"));
        }
        for (ServiceAccount sa : all(ServiceAccount.class)) {
            if (!Boolean.FALSE.equals(sa.getAutomountServiceAccountToken())) {
                problems.add("ServiceAccount " + name(sa) + ": automountServiceAccountToken must be false");
            }
        }
    }

    // ---- NetworkPolicy -------------------------------------------------------------------------------------------

    /**
     * A control plane's admin port writes policy and mints tokens: some NetworkPolicy must select its pods and every
     * rule that opens the admin port must name who may connect (a labelled pod, not "everyone"), while the port the
     * app exists for (KDS on the global, xDS on a zone) stays reachable.
     */
    private void checkNetworkPolicy(String where, App app, Deployment d, Container c) {
        if (app == App.INGRESS) return; // the ingress serves only the data port and health
        int admin = app.ports.get("http");
        String servicePortName = app == App.GLOBAL_CP ? "kds" : "xds";
        int servicePort = app.ports.get(servicePortName);
        Map<String, String> podLabels = Objects.requireNonNullElse(d.getSpec().getTemplate().getMetadata().getLabels(), Map.of());
        List<NetworkPolicy> selecting = all(NetworkPolicy.class).stream()
                .filter(np -> np.getSpec().getPolicyTypes() != null && np.getSpec().getPolicyTypes().contains("Ingress"))
                .filter(np -> selects(np.getSpec().getPodSelector(), podLabels))
                .toList();
        if (selecting.isEmpty()) {
            problems.add(where + ": no NetworkPolicy restricts who reaches the admin port " + admin);
            return;
        }
        boolean serviceReachable = false;
        for (NetworkPolicy np : selecting) {
            List<NetworkPolicyIngressRule> rules = Objects.requireNonNullElse(np.getSpec().getIngress(), List.of());
            for (int i = 0; i < rules.size(); i++) {
                NetworkPolicyIngressRule rule = rules.get(i);
                if (opens(rule, admin, c) && !namesItsPeers(rule)) {
                    problems.add("NetworkPolicy " + name(np) + ": ingress[" + i + "] lets anyone reach the admin port " + admin
                            + " (name the allowed pods with a podSelector)");
                }
                serviceReachable |= opens(rule, servicePort, c);
            }
        }
        if (!serviceReachable) problems.add(where + ": its NetworkPolicy blocks the " + servicePortName + " port " + servicePort);
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) return false;
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) return false; // not used here
        return labels.entrySet().containsAll(Objects.requireNonNullElse(selector.getMatchLabels(), Map.<String, String>of()).entrySet());
    }

    /** A rule without ports opens every port; a named port is resolved on the container. */
    private static boolean opens(NetworkPolicyIngressRule rule, int port, Container c) {
        List<NetworkPolicyPort> ports = Objects.requireNonNullElse(rule.getPorts(), List.of());
        return ports.isEmpty() || ports.stream().anyMatch(p -> resolve(p.getPort(), c).map(v -> v == port).orElse(false));
    }

    /** True when every peer is a non-empty pod selector within the namespace, or an IP block narrower than the internet. */
    private static boolean namesItsPeers(NetworkPolicyIngressRule rule) {
        List<NetworkPolicyPeer> from = Objects.requireNonNullElse(rule.getFrom(), List.of());
        return !from.isEmpty() && from.stream().allMatch(peer -> {
            if (peer.getIpBlock() != null) return !peer.getIpBlock().getCidr().endsWith("/0");
            LabelSelector pods = peer.getPodSelector();
            boolean namedPods = pods != null && !(Objects.requireNonNullElse(pods.getMatchLabels(), Map.of()).isEmpty()
                    && Objects.requireNonNullElse(pods.getMatchExpressions(), List.of()).isEmpty());
            return namedPods && peer.getNamespaceSelector() == null;
        });
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Optional<Integer> resolve(IntOrString port, Container c) {
        if (port == null) return Optional.empty();
        if (port.getIntVal() != null) {
            return Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream()
                    .map(ContainerPort::getContainerPort).filter(p -> p.equals(port.getIntVal())).findFirst();
        }
        return containerPort(c, port.getStrVal()).map(ContainerPort::getContainerPort);
    }

    private static Optional<ContainerPort> containerPort(Container c, String name) {
        return Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream()
                .filter(p -> name.equals(p.getName())).findFirst();
    }

    private static Optional<Volume> volume(PodSpec pod, String name) {
        return Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of()).stream()
                .filter(v -> name.equals(v.getName())).findFirst();
    }

    private static Set<String> secretKeys(Secret s) {
        Set<String> keys = new java.util.HashSet<>();
        if (s.getData() != null) keys.addAll(s.getData().keySet());
        if (s.getStringData() != null) keys.addAll(s.getStringData().keySet());
        return keys;
    }

    private static Optional<Integer> intValue(String s) {
        try {
            return s == null ? Optional.empty() : Optional.of(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String show(IntOrString port) {
        return port == null ? "(none)" : port.getIntVal() != null ? port.getIntVal().toString() : "\"" + port.getStrVal() + "\"";
    }

    private <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> Objects.equals(name, o.getMetadata().getName())).findFirst();
    }

    private static String name(HasMetadata o) {
        return o.getMetadata().getName();
    }
}
