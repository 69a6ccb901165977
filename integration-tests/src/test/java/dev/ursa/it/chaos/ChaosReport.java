package dev.ursa.it.chaos;

import dev.ursa.it.Http;
import dev.ursa.it.UrsaProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The chaos suite's two forms and its figures. Bounded (default, what {@code ./mvnw verify} and CI run) or soak
 * ({@code -Dursa.chaos.soak=true}: the full durations and client counts). Each scenario prints one line of
 * figures and appends it to {@code integration-tests/target/chaos-figures.txt} (docs/reliability.md quotes them).
 */
final class ChaosReport {
    private ChaosReport() {
    }

    static boolean soak() {
        return Boolean.getBoolean("ursa.chaos.soak");
    }

    /** {@code bounded} in CI, {@code soak} with {@code -Dursa.chaos.soak=true}. */
    static Duration duration(Duration bounded, Duration soak) {
        return soak() ? soak : bounded;
    }

    static int count(int bounded, int soak) {
        return soak() ? soak : bounded;
    }

    /** Prints {@code figures} of {@code scenario} and appends them to the figures file. */
    static void print(String scenario, Map<String, ?> figures) throws IOException {
        String line = "CHAOS " + scenario + " [" + (soak() ? "soak" : "bounded") + ", " + Instant.now() + "]: "
                + figures.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        System.out.println(line);
        Path file = UrsaProcess.repoRoot().resolve("integration-tests/target/chaos-figures.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Waits {@code d}: the pace of a scenario's writers and the length of its faults are its parameters; nothing waits
     * this way for a state (that is {@code Await}'s job).
     */
    static void pace(Duration d) throws InterruptedException {
        Thread.sleep(d);
    }

    static Map<String, Object> figures() {
        return new LinkedHashMap<>();
    }

    static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    /** The sum of a Prometheus counter's series on {@code baseUrl}'s {@code /q/metrics}. */
    static double counter(String baseUrl, String name) throws IOException, InterruptedException {
        Http.Reply r = Http.getText(baseUrl + "/q/metrics");
        if (r.status() != 200) throw new IllegalStateException("metrics of " + baseUrl + ": " + r);
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    /** Whether the control plane at {@code url} holds the leader lease (metric {@code ursa_leader}); false when it does not answer. */
    static boolean leads(String url) {
        try {
            return counter(url, "ursa_leader") == 1.0;
        } catch (Exception e) {
            return false; // dead or restarting: not leading
        }
    }
}
