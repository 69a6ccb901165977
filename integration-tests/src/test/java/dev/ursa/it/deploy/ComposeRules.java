package dev.ursa.it.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structural checks of deploy/compose/compose.yaml, since Docker (and `docker compose config`) is not available
 * here: the keys are Compose keys, every Ursa service runs its fast-jar in the JRE image, ports and env keys follow
 * the process contract, depends_on points at services with healthchecks, and healthchecks probe /q/health/ready.
 * SnakeYAML (not Jackson) reads the file because Compose files use YAML merge keys ({@code <<: *java}).
 */
final class ComposeRules {
    static final String JRE_IMAGE = "eclipse-temurin:25-jre";
    private static final Set<String> TOP_LEVEL = Set.of("name", "services", "volumes", "networks", "secrets", "configs");
    private static final Set<String> SERVICE_KEYS = Set.of("image", "command", "entrypoint", "environment", "ports",
            "volumes", "depends_on", "healthcheck", "restart", "user", "working_dir", "read_only", "networks",
            "secrets", "env_file", "labels", "deploy", "stop_grace_period");
    private static final Set<String> HEALTHCHECK_KEYS = Set.of("test", "interval", "timeout", "retries", "start_period",
            "start_interval", "disable");
    private static final Set<String> DEPENDS_CONDITIONS = Set.of("service_started", "service_healthy",
            "service_completed_successfully");
    private static final Pattern JAR = Pattern.compile("/opt/ursa/([a-z-]+)/quarkus-run\\.jar");
    private static final Pattern HEALTH_PORT = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)");

    private final Path file;
    private final Path repoRoot;
    private final List<String> problems = new ArrayList<>();
    private final List<String> zoneNames = new ArrayList<>();

    private ComposeRules(Path file, Path repoRoot) {
        this.file = file;
        this.repoRoot = repoRoot;
    }

    record Result(List<String> problems, Map<String, Object> services, List<String> zoneNames) {
    }

    static Result check(Path file, Path repoRoot) throws IOException {
        ComposeRules rules = new ComposeRules(file, repoRoot);
        Map<String, Object> services = rules.run();
        return new Result(List.copyOf(rules.problems), services, List.copyOf(rules.zoneNames));
    }

    private Map<String, Object> run() throws IOException {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        if (!(loaded instanceof Map<?, ?> top)) {
            problems.add(file + ": not a YAML mapping");
            return Map.of();
        }
        for (Object key : top.keySet()) {
            if (!TOP_LEVEL.contains(key) && !String.valueOf(key).startsWith("x-")) problems.add("unknown top-level key \"" + key + "\"");
        }
        Map<String, Object> services = map(top.get("services"), "services");
        Set<String> namedVolumes = map(top.get("volumes"), "volumes").keySet();
        Map<Integer, String> hostPorts = new HashMap<>();
        for (var entry : services.entrySet()) {
            checkService(entry.getKey(), map(entry.getValue(), "services." + entry.getKey()), services, namedVolumes, hostPorts);
        }
        if (new HashSet<>(zoneNames).size() != zoneNames.size()) problems.add("zone names are not distinct: " + zoneNames);
        return services;
    }

    private void checkService(String name, Map<String, Object> svc, Map<String, Object> services,
                              Set<String> namedVolumes, Map<Integer, String> hostPorts) {
        String where = "service " + name;
        for (String key : svc.keySet()) {
            if (!SERVICE_KEYS.contains(key)) problems.add(where + ": unknown key \"" + key + "\"");
        }
        if (svc.get("image") == null) problems.add(where + ": no image");
        Map<String, Object> env = map(svc.get("environment"), where + ".environment");
        for (var e : env.entrySet()) {
            if (!(e.getValue() instanceof String)) problems.add(where + ": environment " + e.getKey() + " must be a string (quote it)");
        }
        List<Object> volumes = list(svc.get("volumes"), where + ".volumes");
        for (Object v : volumes) {
            String source = String.valueOf(v).split(":")[0];
            if (!source.startsWith(".") && !source.startsWith("/") && !namedVolumes.contains(source)) {
                problems.add(where + ": volume " + source + " is not declared under top-level volumes");
            }
        }
        for (var e : env.entrySet()) {
            // A password is never written into the file: it comes from the user's environment and compose refuses
            // to start without it (${NAME:?message}).
            if (e.getKey().contains("PASSWORD") && !String.valueOf(e.getValue()).matches("\\$\\{[A-Z0-9_]+:\\?[^}]+}")) {
                problems.add(where + ": " + e.getKey() + " is written into the file; use ${NAME:?message} so the user must set it");
            }
        }
        List<Integer> containerPorts = new ArrayList<>();
        Map<Integer, String> bindAddresses = new HashMap<>();
        for (Object p : list(svc.get("ports"), where + ".ports")) {
            String[] parts = String.valueOf(p).split(":");
            if (parts.length != 2 && parts.length != 3) {
                problems.add(where + ": port \"" + p + "\" is not \"[address:]host:container\"");
                continue;
            }
            int host = Integer.parseInt(parts[parts.length - 2]);
            int container = Integer.parseInt(parts[parts.length - 1]);
            containerPorts.add(container);
            bindAddresses.put(container, parts.length == 3 ? parts[0] : "0.0.0.0");
            String previous = hostPorts.putIfAbsent(host, name);
            if (previous != null) problems.add(where + ": host port " + host + " is already published by " + previous);
        }
        checkDependsOn(where, svc.get("depends_on"), services);
        Matcher jar = JAR.matcher(String.valueOf(svc.get("command")));
        if (!jar.find()) { // not an Ursa app (postgres): only the apps use it, inside the compose network
            if (!containerPorts.isEmpty()) problems.add(where + ": publishes " + containerPorts + " on the host; only Ursa's own ports are for users");
            return;
        }
        // The admin API writes policy and mints tokens: from the host it is reachable on loopback only.
        String adminBind = bindAddresses.get(5681);
        if (adminBind != null && !"127.0.0.1".equals(adminBind)) {
            problems.add(where + ": publishes the admin port 5681 on " + adminBind + "; bind it to 127.0.0.1");
        }
        String module = jar.group(1);
        if (!JRE_IMAGE.equals(svc.get("image"))) problems.add(where + ": image must be " + JRE_IMAGE + " (no image builds)");
        String mount = "../../" + module + "/target/quarkus-app:/opt/ursa/" + module + ":ro";
        if (!volumes.contains(mount)) problems.add(where + ": must mount the fast-jar read-only: " + mount);
        if (!Files.isRegularFile(repoRoot.resolve(module).resolve("pom.xml"))) {
            problems.add(where + ": runs " + module + ", which is not a module of this repository");
        }
        String httpPort = Objects.toString(env.get("QUARKUS_HTTP_PORT"), null);
        if (httpPort == null) problems.add(where + ": QUARKUS_HTTP_PORT is not set");
        checkHealthcheck(where, svc.get("healthcheck"), httpPort);
        switch (module) {
            case "global-cp" -> {
                require(where, env, "URSA_STORE_TYPE", "postgres");
                require(where, env, "URSA_KDS_PORT", "5685");
                if ("false".equals(env.get("URSA_KDS_TLS_ENABLED"))) problems.add(where + ": KDS TLS is off (URSA_KDS_TLS_ENABLED=false): a lab switch");
                // Postgres in production mode: the global refuses to start without the key that encrypts secrets.
                if (env.get("URSA_SECRETS_ENCRYPTION_KEY_FILE") == null) problems.add(where + ": URSA_SECRETS_ENCRYPTION_KEY_FILE is not set (secrets at rest)");
                if ("true".equals(env.get("URSA_SECRETS_ALLOW_PLAINTEXT"))) problems.add(where + ": secrets are stored in plaintext (URSA_SECRETS_ALLOW_PLAINTEXT=true): a lab switch");
                String url = Objects.toString(env.get("QUARKUS_DATASOURCE_REACTIVE_URL"), "");
                if (!url.startsWith("postgresql://postgres:5432/")) problems.add(where + ": QUARKUS_DATASOURCE_REACTIVE_URL must point at the postgres service, is " + url);
                if (!containerPorts.containsAll(List.of(5681, 5685))) problems.add(where + ": must publish 5681 and 5685");
                if (!dependsOn(svc, "postgres")) problems.add(where + ": must depend on postgres");
            }
            case "zone-cp" -> {
                String zone = Objects.toString(env.get("URSA_ZONE_NAME"), null);
                if (zone == null) problems.add(where + ": URSA_ZONE_NAME is not set");
                else zoneNames.add(zone);
                require(where, env, "URSA_ZONE_GLOBAL_ADDRESS", "grpcs://global:5685");
                if (env.get("URSA_ZONE_KDS_CA_FILE") == null) problems.add(where + ": URSA_ZONE_KDS_CA_FILE is not set (KDS is TLS: the zone verifies the global)");
                require(where, env, "QUARKUS_GRPC_SERVER_PORT", "5678");
                if (env.get("URSA_ZONE_TOKEN_FILE") == null) problems.add(where + ": URSA_ZONE_TOKEN_FILE is not set");
                if (!containerPorts.containsAll(List.of(5681, 5678))) problems.add(where + ": must publish 5681 and 5678");
                if (!dependsOn(svc, "global")) problems.add(where + ": must depend on global");
            }
            case "ingress-gateway" -> {
                if (env.get("URSA_INGRESS_TOKEN_FILE") == null) problems.add(where + ": URSA_INGRESS_TOKEN_FILE is not set");
                String zoneCp = Objects.toString(env.get("URSA_INGRESS_ZONE_CP_ADDRESS"), "");
                Matcher m = Pattern.compile("grpc://([a-z0-9-]+):5678").matcher(zoneCp);
                if (!m.matches() || !services.containsKey(m.group(1))) {
                    problems.add(where + ": URSA_INGRESS_ZONE_CP_ADDRESS " + zoneCp + " is not grpc://<zone service>:5678");
                } else if (!dependsOn(svc, m.group(1))) {
                    problems.add(where + ": must depend on its zone " + m.group(1));
                }
                for (String key : List.of("URSA_INGRESS_PORT", "URSA_INGRESS_ADVERTISED_ADDRESS", "URSA_INGRESS_ADVERTISED_PORT")) {
                    if (env.get(key) == null) problems.add(where + ": " + key + " is not set");
                }
                if (!containerPorts.contains(Integer.parseInt(Objects.toString(env.get("URSA_INGRESS_PORT"), "-1")))) {
                    problems.add(where + ": does not publish URSA_INGRESS_PORT");
                }
            }
            default -> problems.add(where + ": unexpected app " + module);
        }
    }

    private void checkDependsOn(String where, Object dependsOn, Map<String, Object> services) {
        for (var e : map(dependsOn, where + ".depends_on").entrySet()) {
            if (!services.containsKey(e.getKey())) {
                problems.add(where + ": depends_on " + e.getKey() + ", which is not a service");
                continue;
            }
            Object condition = map(e.getValue(), where + ".depends_on." + e.getKey()).get("condition");
            if (!DEPENDS_CONDITIONS.contains(condition)) problems.add(where + ": depends_on " + e.getKey() + " has condition " + condition);
            if ("service_healthy".equals(condition) && map(services.get(e.getKey()), e.getKey()).get("healthcheck") == null) {
                problems.add(where + ": waits for " + e.getKey() + " to be healthy, but it has no healthcheck");
            }
        }
    }

    private void checkHealthcheck(String where, Object healthcheck, String httpPort) {
        Map<String, Object> hc = map(healthcheck, where + ".healthcheck");
        if (hc.isEmpty()) {
            problems.add(where + ": no healthcheck");
            return;
        }
        for (String key : hc.keySet()) if (!HEALTHCHECK_KEYS.contains(key)) problems.add(where + ": unknown healthcheck key \"" + key + "\"");
        String test = String.valueOf(hc.get("test"));
        if (!test.contains("/q/health/ready")) problems.add(where + ": healthcheck does not probe /q/health/ready");
        Matcher port = HEALTH_PORT.matcher(test);
        if (!port.find() || !port.group(1).equals(httpPort)) {
            problems.add(where + ": healthcheck probes port " + (port.find(0) ? port.group(1) : "?") + ", not QUARKUS_HTTP_PORT " + httpPort);
        }
    }

    private void require(String where, Map<String, Object> env, String key, String expected) {
        if (!expected.equals(env.get(key))) problems.add(where + ": " + key + " is " + env.get(key) + ", expected " + expected);
    }

    private boolean dependsOn(Map<String, Object> svc, String other) {
        return map(svc.get("depends_on"), "depends_on").containsKey(other);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object o, String where) {
        if (o == null) return Map.of();
        if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
        problems.add(where + ": expected a mapping, got " + o);
        return Map.of();
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, String where) {
        if (o == null) return List.of();
        if (o instanceof List<?> l) return (List<Object>) l;
        problems.add(where + ": expected a list, got " + o);
        return List.of();
    }
}
