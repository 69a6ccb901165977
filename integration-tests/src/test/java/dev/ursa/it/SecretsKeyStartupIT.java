package dev.ursa.it;

import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built global in production mode on Postgres: without {@code ursa.secrets.encryption-key-file} it refuses to start,
 * naming the key and how to make one; with the lab switch it starts and warns.
 */
class SecretsKeyStartupIT {
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void withoutTheKeyTheGlobalRefusesToStartAndTheLabSwitchLetsItStartWithAWarning() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            Map<String, String> noKey = new HashMap<>(db.storeProps());
            noKey.remove("ursa.secrets.encryption-key-file");

            try (UrsaProcess refused = UrsaProcess.launch("global-no-key", "global-cp", UrsaProcess.freePort(), noKey)) {
                Await.until("the global to exit", DEADLINE, () -> ProcessHandle.of(refused.pid()).map(p -> !p.isAlive()).orElse(true));
                assertThat(refused.log()).contains("ursa.store.type=postgres in production needs ursa.secrets.encryption-key-file",
                        "head -c 32 /dev/urandom | base64", "ursa.secrets.allow-plaintext=true");
            }

            noKey.put("ursa.secrets.allow-plaintext", "true");
            try (UrsaProcess lab = UrsaProcess.start("global-plaintext", "global-cp", noKey)) {
                assertThat(lab.log()).contains("secrets at rest: NO ENCRYPTION KEY");
            }
        }
    }
}
