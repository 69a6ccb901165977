package dev.ursa.global.store;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.cp.secrets.EncryptionKey;
import dev.ursa.cp.secrets.SecretsAtRest;
import dev.ursa.cp.store.StoreProducer;
import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.cp.testing.TestPostgres;
import dev.ursa.global.events.FreshDatabaseResource;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.SecretSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets at rest on the real Postgres (the test profile configures {@link TestPostgres#secretsKeyFile()}): the stored
 * row of a Secret or GlobalSecret holds neither the plaintext nor its base64, reads give it back, a row written in
 * plaintext before the key still reads and is sealed by its next write, and a row sealed with another key fails with a
 * message naming the key file (to API callers: a clean error body, no stack trace).
 */
@QuarkusTest
@TestProfile(PostgresSecretsAtRestIT.OwnDatabase.class)
class PostgresSecretsAtRestIT {
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final String PLAINTEXT = "-----BEGIN PRIVATE KEY-----\nvery-secret-ca-key-material\n-----END PRIVATE KEY-----\n";
    static final String DATA = Base64.getEncoder().encodeToString(PLAINTEXT.getBytes(StandardCharsets.UTF_8));
    // Not a builtin CA name: the mesh CA manager would retire a CA Secret of a backend the mesh does not list.
    static final String NAME = "tls-key";

    /** A database of its own: the test edits rows by hand. */
    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FreshDatabaseResource.class));
        }
    }

    static {
        RestAssuredYaml.enable();
    }

    @Inject
    ResourceStore store;
    @Inject
    Pool pool;
    @TempDir
    Path dir;

    @BeforeEach
    void meshAndNoSecrets() {
        PostgresDatabase.requireReachable(pool);
        await(((PostgresStore) StoreProducer.unwrap(store)).ready());
        pool.query("delete from ursa_resource where type in ('Secret', 'Mesh')").execute().await().atMost(DEADLINE);
        given().contentType("application/yaml").body("type: Mesh\nname: default\n").put("/meshes/default").then().statusCode(201);
    }

    @Test
    void theStoredRowHoldsNeitherThePlaintextNorItsBase64AndAReadGivesItBack() {
        await(store.put(secret(DATA), Precondition.ABSENT));
        StoredSecrets.createIfAbsent(store, "test-signing-key", PLAINTEXT);

        for (ResourceKey key : List.of(secretKey(), StoredSecrets.key("test-signing-key"))) {
            String stored = storedSpec(key);
            assertThat(stored).as(key.toString()).doesNotContain(DATA).doesNotContain("very-secret")
                    .doesNotContain(DATA.substring(8, 40)).contains("$sealed", "v1." + keyId() + ".");
        }
        assertThat(await(store.get(secretKey())).orElseThrow().spec(SecretSpec.class).data()).isEqualTo(DATA);
        assertThat(StoredSecrets.read(store, "test-signing-key")).contains(PLAINTEXT);
        assertThat(given().accept("application/json").get("/meshes/default/secrets/" + NAME).jsonPath().getString("data")).isEqualTo(DATA);
        // Other types stay plain jsonb (queries on labels and specs keep working).
        assertThat(storedSpec(ResourceKey.of(ResourceTypes.MESH, "", "default"))).doesNotContain("$sealed");
    }

    @Test
    void aRowWrittenInPlaintextBeforeTheKeyReadsAndIsSealedByItsNextWrite() {
        await(store.put(secret(DATA), Precondition.ABSENT));
        setStoredSpec(secretKey(), "{\"data\": \"" + DATA + "\"}");
        long version = version(secretKey());

        assertThat(await(store.get(secretKey())).orElseThrow().spec(SecretSpec.class).data()).isEqualTo(DATA);

        // The same content again: no new version, no event, but the row is sealed now.
        await(store.put(secret(DATA), Precondition.ANY));
        assertThat(storedSpec(secretKey())).doesNotContain(DATA).contains("$sealed");
        assertThat(version(secretKey())).isEqualTo(version);
        assertThat(await(store.get(secretKey())).orElseThrow().spec(SecretSpec.class).data()).isEqualTo(DATA);
    }

    @Test
    void aRowSealedWithAnotherKeyFailsNamingTheKeyFileAndTheApiAnswersACleanError() throws Exception {
        await(store.put(secret(DATA), Precondition.ABSENT));
        Path otherFile = Files.writeString(dir.resolve("other.key"), Base64.getEncoder().encodeToString(new byte[32]));
        SecretsAtRest other = SecretsAtRest.sealedWith(EncryptionKey.load(otherFile));
        setStoredSpec(secretKey(), other.seal(secretKey(), "{\"data\":\"" + DATA + "\"}"));

        assertThatThrownBy(() -> await(store.get(secretKey()))).isInstanceOf(StoreException.Unreadable.class)
                .cause().hasMessageContaining("ursa.secrets.encryption-key-file")
                .hasMessageContaining(TestPostgres.secretsKeyFile().toString())
                .hasMessageContaining("encrypted with key " + other.key().orElseThrow().id());

        Response get = given().accept("application/json").get("/meshes/default/secrets/" + NAME);
        assertThat(get.statusCode()).as("a configuration fault of this control plane, not a 500").isEqualTo(503);
        assertThat(get.jsonPath().getString("title")).isEqualTo("Stored secret cannot be decrypted");
        assertThat(get.jsonPath().getString("details")).contains("Secret \"" + NAME + "\" in mesh \"default\"",
                "ursa.secrets.encryption-key-file");
        assertThat(get.asString()).doesNotContainIgnoringCase("exception").doesNotContain(TestPostgres.secretsKeyFile().toString())
                .doesNotContain("\tat ");
        // The listing leaves it out instead of failing.
        given().get("/meshes/default/secrets").then().statusCode(200);
    }

    private String keyId() {
        return EncryptionKey.load(TestPostgres.secretsKeyFile()).id();
    }

    private static Resource secret(String data) {
        return new Resource(ResourceTypes.SECRET, Meta.fresh("default", NAME, Map.of()), new SecretSpec(data));
    }

    private static ResourceKey secretKey() {
        return ResourceKey.of(ResourceTypes.SECRET, "default", NAME);
    }

    private Row row(ResourceKey key) {
        var rows = pool.preparedQuery("select cast(spec as text) as spec, version from ursa_resource where type = $1 and mesh = $2 and name = $3")
                .execute(Tuple.of(key.type(), key.mesh(), key.name())).await().atMost(DEADLINE);
        assertThat(rows.rowCount()).as(key.toString()).isEqualTo(1);
        return rows.iterator().next();
    }

    private String storedSpec(ResourceKey key) {
        return row(key).getString("spec");
    }

    private long version(ResourceKey key) {
        return row(key).getLong("version");
    }

    private void setStoredSpec(ResourceKey key, String spec) {
        var updated = pool.preparedQuery("update ursa_resource set spec = cast(cast($1 as text) as jsonb) where type = $2 and mesh = $3 and name = $4")
                .execute(Tuple.of(spec, key.type(), key.mesh(), key.name())).await().atMost(DEADLINE);
        assertThat(updated.rowCount()).isEqualTo(1);
    }

    private static <T> T await(CompletionStage<T> stage) {
        return StoredSecrets.join(stage);
    }
}
