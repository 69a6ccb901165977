package dev.ursa.it.launcher;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/run-local.sh} when one of its processes dies while the federation runs: it must not wait on silently with a
 * half federation, but say which process died, how and where its log is, stop all the others and exit 1.
 */
class LocalLauncherProcessDeathIT {
    static final Duration START = Duration.ofMinutes(3); // seven JVMs on a shared 2-core machine
    // Noticing is immediate (wait -n); stopping the others takes their graceful shutdown, 10 s at most per step.
    static final Duration STOP = Duration.ofSeconds(60);

    @Test
    void aZoneCpThatDiesIsNamedWithItsLogAndTheOthersAreStoppedAndTheScriptFails() throws Exception {
        try (LocalLauncher launcher = LocalLauncher.start()) {
            launcher.awaitReady(START);
            List<ProcessHandle> started = launcher.descendants();
            assertThat(launcher.javaProcesses()).as("global, 2 zone CPs, 2 ingresses, 2 demo service processes, 2 agents").hasSize(9);
            long zone1 = launcher.startedPid("zone-1");
            ProcessHandle victim = started.stream().filter(p -> p.pid() == zone1).findFirst()
                    .orElseThrow(() -> new AssertionError("zone-1's pid " + zone1 + " is not a process of the script: " + started));

            victim.destroyForcibly(); // SIGKILL: a crash, no shutdown hook
            int exit = launcher.awaitExit(STOP);

            String out = launcher.output();
            assertThat(exit).as("exit code after zone-1 died:\n" + out).isEqualTo(1);
            String report = out.lines().filter(l -> l.startsWith("==> zone-1 ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no line about zone-1's death in:\n" + out));
            assertThat(report).contains("(pid " + zone1 + ") died", "exit code 137", "SIGKILL",
                    "its log: " + launcher.logDir.resolve("zone-1.log"));
            assertThat(out).contains("==> stopping", "==> stopped");
            assertThat(out.indexOf("==> stopping")).as("the others are stopped after the report").isGreaterThan(out.indexOf(report));
            assertThat(started).as("processes still alive after the launcher exited").noneMatch(ProcessHandle::isAlive);
            // stopped gracefully (SIGTERM, demo services first), not just killed
            assertThat(Files.readString(launcher.logDir.resolve("demo-2.log"))).contains("stopped demo services of zone-2");
        }
    }
}
