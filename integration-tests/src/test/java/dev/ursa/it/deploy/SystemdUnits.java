package dev.ursa.it.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks of deploy/systemd: our own parse of each unit (sections, required keys and hardening) plus, where the
 * machine has it, {@code systemd-analyze verify}, which knows every directive. systemd-analyze exits 0 on an
 * unknown key or an unparsable value (it only logs "ignoring"), so any line it prints about our units is a failure.
 */
final class SystemdUnits {
    /** The apps and the fast-jar each unit must start. */
    static final Map<String, String> UNITS = Map.of(
            "ursa-global.service", "global-cp",
            "ursa-zone@.service", "zone-cp",
            "ursa-ingress@.service", "ingress-gateway");

    private static final Map<String, String> REQUIRED = Map.of(
            "Restart", "on-failure",
            "NoNewPrivileges", "yes",
            "ProtectSystem", "strict",
            "User", "ursa");

    /** A parsed unit: section name -> key -> values (a key may repeat, e.g. Environment). */
    record Unit(String file, Map<String, Map<String, List<String>>> sections) {
        Optional<String> first(String section, String key) {
            return values(section, key).stream().findFirst();
        }

        List<String> values(String section, String key) {
            return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        }
    }

    static Unit parse(Path file) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        String section = null;
        int lineNo = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                sections.putIfAbsent(section, new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (section == null || eq <= 0) {
                throw new InvalidManifestException(file.getFileName() + ":" + lineNo + ": not \"Key=value\" inside a [Section]: " + line);
            }
            sections.get(section).computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return new Unit(file.getFileName().toString(), sections);
    }

    /** Problems found by our own reading of {@code unit}, which must start {@code module}'s fast-jar. */
    static List<String> check(Unit unit, String module) {
        List<String> problems = new ArrayList<>();
        for (String section : List.of("Unit", "Service", "Install")) {
            if (!unit.sections().containsKey(section)) problems.add(unit.file() + ": no [" + section + "] section");
        }
        String exec = unit.first("Service", "ExecStart").orElse("");
        String jar = "-jar /opt/ursa/" + module + "/quarkus-run.jar";
        if (!exec.startsWith("/usr/bin/java ") || !exec.endsWith(jar)) {
            problems.add(unit.file() + ": ExecStart must be /usr/bin/java ... " + jar + ", is: " + exec);
        }
        Optional<String> envFile = unit.first("Service", "EnvironmentFile");
        if (envFile.isEmpty() || !envFile.get().startsWith("/etc/ursa/")) problems.add(unit.file() + ": EnvironmentFile=/etc/ursa/... is missing");
        if (unit.file().contains("@") && envFile.isPresent() && !envFile.get().contains("%i")) {
            problems.add(unit.file() + ": a template's EnvironmentFile must depend on the instance (%i)");
        }
        REQUIRED.forEach((key, value) -> {
            if (!unit.values("Service", key).contains(value)) problems.add(unit.file() + ": " + key + "=" + value + " is missing");
        });
        List<String> writable = unit.values("Service", "ReadWritePaths");
        if (writable.isEmpty() || !writable.stream().allMatch(p -> p.startsWith("/var/lib/ursa/"))) {
            problems.add(unit.file() + ": ReadWritePaths must name the data directory under /var/lib/ursa/ (and nothing else), is " + writable);
        }
        if (!unit.values("Install", "WantedBy").contains("multi-user.target")) problems.add(unit.file() + ": WantedBy=multi-user.target is missing");
        return problems;
    }

    /** systemd-analyze, when the machine has it. */
    static Optional<Path> systemdAnalyze() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "systemd-analyze");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * Runs {@code systemd-analyze verify} on copies of the units (templates as instances, e.g. ursa-zone@zone-1)
     * and returns every line it printed about them, plus its exit status when non-zero.
     */
    static List<String> verify(Path systemdAnalyze, List<Path> units) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ursa-units");
        List<String> args = new ArrayList<>(List.of(systemdAnalyze.toString(), "verify", "--man=no"));
        for (Path unit : units) {
            String name = unit.getFileName().toString();
            Path copy = dir.resolve(name);
            Files.copy(unit, copy);
            if (name.endsWith("@.service")) {
                Path instance = dir.resolve(name.replace("@.service", "@zone-1.service"));
                Files.createSymbolicLink(instance, copy.getFileName());
                args.add(instance.toString());
            } else {
                args.add(copy.toString());
            }
        }
        Path output = dir.resolve("verify.out");
        Process p = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("systemd-analyze verify did not finish within 60 s");
        }
        List<String> problems = new ArrayList<>(Files.readAllLines(output).stream()
                .filter(l -> l.contains("ursa-")) // lines about other units on the machine are not ours to fix
                .toList());
        if (p.exitValue() != 0) problems.add("systemd-analyze verify exited " + p.exitValue() + ": " + Files.readString(output).strip());
        return problems;
    }
}
