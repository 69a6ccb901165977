package dev.ursa.it.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.it.Http;
import dev.ursa.it.UrsaProcess;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's first command, {@code bin/run-local.sh}, as a user runs it (one run shared by every test here, in
 * order): every process ready, a zone-1 client reaching a zone-2-only service through zone-2's ingress with the command
 * the script prints, the commands of docs/quickstart.md against it, and Ctrl-C leaving no process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalLauncherIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration START = Duration.ofMinutes(3); // seven JVMs on a shared 2-core machine
    static final Duration PROPAGATION = Duration.ofSeconds(10);

    LocalLauncher launcher;
    QuickstartDoc quickstart;
    Map<Integer, Integer> docPorts; // documented default port -> this run's port

    @BeforeAll
    void start() throws Exception {
        quickstart = QuickstartDoc.read(UrsaProcess.repoRoot().resolve("docs/quickstart.md")); // a broken doc fails before any start
        launcher = LocalLauncher.start();
        docPorts = new HashMap<>();
        LocalLauncher.DEFAULT_PORTS.forEach((var, port) -> docPorts.put(port, launcher.port(var)));
        launcher.awaitReady(START);
    }

    @AfterAll
    void stop() throws Exception {
        if (launcher != null) launcher.close();
    }

    String url(String portVar, String path) {
        return "http://127.0.0.1:" + launcher.port(portVar) + path;
    }

    @Test
    @Order(1)
    void everyProcessIsReadyAndTheBannerShowsTheAdminUrlAndWhereTheZoneTokensAreButNoToken() throws Exception {
        assertThat(launcher.javaProcesses()).as("global, 2 zone CPs, 2 ingresses, 2 demo service processes, 2 agents").hasSize(9);
        for (String http : List.of("GLOBAL_HTTP_PORT", "ZONE1_HTTP_PORT", "ZONE2_HTTP_PORT", "INGRESS1_HTTP_PORT", "INGRESS2_HTTP_PORT")) {
            assertThat(Http.get(url(http, "/q/health/ready")).status()).as(http + " ready").isEqualTo(200);
        }
        for (String diag : List.of("GLOBAL_DIAGNOSTICS_PORT", "ZONE1_DIAGNOSTICS_PORT", "ZONE2_DIAGNOSTICS_PORT")) {
            assertThat(Http.get(url(diag, "/q/health/ready")).status()).as(diag + " ready").isEqualTo(200);
        }
        // The demo binds the admin APIs to loopback (where callers are admin without a token): no other address answers.
        Optional<InetAddress> other = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
        if (other.isPresent()) {
            for (String admin : List.of("GLOBAL_HTTP_PORT", "ZONE1_HTTP_PORT", "ZONE2_HTTP_PORT")) {
                assertThatThrownBy(() -> new Socket(other.get(), launcher.port(admin)).close()).as(admin + " on " + other.get())
                        .isInstanceOf(ConnectException.class);
            }
        }
        String out = launcher.output();
        assertThat(out).contains("global CP admin API : " + url("GLOBAL_HTTP_PORT", "/"));
        assertThat(out).contains("zone tokens         : " + launcher.logDir.resolve("zone-1.token") + ", " + launcher.logDir.resolve("zone-2.token"));
        for (String zone : List.of("zone-1", "zone-2")) {
            String token = Files.readString(launcher.logDir.resolve(zone + ".token")).strip();
            assertThat(token).as(zone + "'s token file holds a JWT").startsWith("eyJ");
            assertThat(out).as("a credential on the terminal").doesNotContain(token);
        }
        assertThat(out).as("no JWT at all in the output").doesNotContainPattern("eyJ[\\w-]{8,}");
        // KDS runs over TLS: the zones dial grpcs:// and verify the global with the CA it serves.
        assertThat(out).contains("KDS over TLS on :" + launcher.port("GLOBAL_KDS_PORT"), "KDS CA              : " + launcher.logDir.resolve("kds-ca.pem"));
        assertThat(Files.readString(launcher.logDir.resolve("kds-ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(launcher.logDir.resolve("global.log"))).contains("KDS listening on port " + launcher.port("GLOBAL_KDS_PORT") + " (TLS");
        for (String zone : List.of("zone-1", "zone-2")) {
            assertThat(Files.readString(launcher.logDir.resolve(zone + ".log"))).as(zone + " dials over TLS")
                    .contains("dialling the global at grpcs://127.0.0.1:" + launcher.port("GLOBAL_KDS_PORT") + " (TLS, verified with "
                            + launcher.logDir.resolve("kds-ca.pem") + ")")
                    .contains("first full sync with the global done");
        }
        for (String file : List.of("ingress-1.token", "ingress-2.token", "demo-client." + launcher.port("ZONE1_XDS_PORT") + ".token",
                "demo-client." + launcher.port("ZONE2_XDS_PORT") + ".token")) {
            Path token = launcher.logDir.resolve(file);
            assertThat(Files.readString(token).strip()).as(file + " holds a JWT").startsWith("eyJ");
            assertThat(Files.getPosixFilePermissions(token)).as(file + " is readable by its owner only")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        for (String ingress : List.of("ingress-1", "ingress-2")) {
            assertThat(Files.readString(launcher.logDir.resolve(ingress + ".log"))).as(ingress + " was admitted, never refused")
                    .doesNotContain("refused this ingress");
        }
        JsonNode dataplanes = JSON.readTree(Http.get(url("GLOBAL_HTTP_PORT", "/meshes/default/dataplanes")).body());
        assertThat(dataplanes.path("items").findValuesAsText("name")).containsExactlyInAnyOrder("zone-1.demo-zone-1", "zone-2.demo-zone-2");
        // mesh default has mTLS on: each demo process's agent holds a certificate naming its services
        for (String agent : List.of("AGENT1_HEALTH_PORT", "AGENT2_HEALTH_PORT")) {
            JsonNode health = JSON.readTree(Http.get(url(agent, "/health")).body());
            assertThat(health.path("ready").asBoolean()).as(agent + ": " + health).isTrue();
            assertThat(health.path("certificate").path("identities").toString()).contains("spiffe://default/echo");
        }
        assertThat(out).as("the dataplane tokens of the demo processes are not printed either")
                .doesNotContain(Files.readString(launcher.logDir.resolve("demo-1.dataplane.token")).strip());
    }

    @Test
    @Order(2)
    void zone1ClientReachesHelloOnlyInZone2ThroughZone2IngressWithThePrintedCommand() throws Exception {
        String command = launcher.output().lines().map(String::strip)
                .filter(l -> l.startsWith("bin/demo-client.sh") && l.contains(" hello")).findFirst()
                .orElseThrow(() -> new AssertionError("no demo client command for hello in:\n" + launcher.output()));
        assertThat(command).contains("--xds 127.0.0.1:" + launcher.port("ZONE1_XDS_PORT"));

        double connectionsBefore = ingressConnections(launcher.port("INGRESS2_HTTP_PORT"), "hello");
        ShellBlock.Result r = ShellBlock.run(command, UrsaProcess.repoRoot(), sameLogDir());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("5/5 calls ok; answered by: zone-2 x5");
        // over mesh mTLS, end to end through the ingress: hello saw the client's own certificate
        assertThat(r.output()).contains("got \"hi\" from spiffe://default/demo-client");
        // hello has no zone-1 instance. What zone-1 gives a proxyless client for it is zone-2's ingress and nothing else
        // (rendered here for demo-zone-1 as a proxyless node of zone-1: the demo client's node is gone with its process,
        // and the endpoints of a service are the same for every proxyless node of the zone) ...
        JsonNode config = JSON.readTree(Http.get(url("ZONE1_HTTP_PORT", "/meshes/default/dataplanes/demo-zone-1/_config?flavour=proxyless")).body());
        Map<String, List<String>> hello = new HashMap<>();
        for (JsonNode cla : config.path("endpoints")) {
            if (!cla.path("clusterName").asText().equals("hello")) continue;
            for (JsonNode locality : cla.path("endpoints")) {
                for (JsonNode lb : locality.path("lbEndpoints")) {
                    JsonNode sa = lb.path("endpoint").path("address").path("socketAddress");
                    hello.computeIfAbsent(locality.path("locality").path("zone").asText(), z -> new java.util.ArrayList<>())
                            .add(sa.path("address").asText() + ":" + sa.path("portValue").asInt());
                }
            }
        }
        assertThat(hello).as("hello's endpoints for a proxyless client in zone-1").isEqualTo(
                Map.of("zone-2", List.of("127.0.0.1:" + launcher.port("INGRESS2_PORT"))));
        // ... and the command's own client connected through it: a new process cannot reuse anyone's connection.
        assertThat(ingressConnections(launcher.port("INGRESS2_HTTP_PORT"), "hello") - connectionsBefore)
                .as("hello connections through zone-2's ingress made by the command").isGreaterThanOrEqualTo(1);
    }

    static double ingressConnections(int metricsPort, String service) throws Exception {
        String metric = "ursa_ingress_connections_total{mesh=\"default\",service=\"" + service + "\"} ";
        // not Http.get: it asks for JSON, and the metrics endpoint answers Prometheus text only to other Accept headers
        String text = Http.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines()
                .filter(l -> l.startsWith(metric)).mapToDouble(l -> Double.parseDouble(l.substring(metric.length()))).sum();
    }

    ShellBlock.Result runDoc(String id) throws Exception {
        return ShellBlock.run(ShellBlock.withPorts(quickstart.block(id), docPorts), UrsaProcess.repoRoot(), sameLogDir());
    }

    /** The user's shell: the URSA_LOG_DIR bin/run-local.sh ran with, where bin/demo-client.sh finds the dataplane tokens it minted. */
    Map<String, String> sameLogDir() {
        return Map.of("URSA_LOG_DIR", launcher.logDir.toString());
    }

    @Test
    @Order(3)
    void quickstartCommandsDoWhatTheDocSays() throws Exception {
        ShellBlock.Result hello = runDoc("demo-hello");
        assertThat(hello.output()).as("demo-hello").contains("5/5 calls ok; answered by: zone-2 x5");
        ShellBlock.Result echo = runDoc("demo-echo");
        assertThat(echo.output()).as("demo-echo: local zone first").contains("5/5 calls ok; answered by: zone-1 x5");

        ShellBlock.Result inventory = runDoc("inventory");
        assertThat(inventory.statuses()).as(inventory.output()).startsWith(200, 200);
        assertThat(inventory.calls().get(0).body()).contains("\"zone\":\"zone-2\"", "\"kuma.io/service\":\"hello\"");
        assertThat(inventory.calls().get(1).body()).contains("zone-2.demo-zone-2");
        assertThat(inventory.output()).containsPattern("ursa_ingress_connections_total\\{mesh=\"default\",service=\"hello\"} [1-9]");

        ShellBlock.Result apply = runDoc("apply-policy");
        assertThat(apply.statuses()).as("mesh (made by the launcher), then a new MeshTimeout: " + apply.output()).containsExactly(200, 201);
        assertThat(apply.calls().get(1).body()).contains("backend-timeouts");
        ShellBlock.Result again = runDoc("apply-policy");
        assertThat(again.statuses()).as("a repeat: " + again.output()).containsExactly(200, 200);

        Await.until("the policy on zone-1", PROPAGATION, () -> {
            ShellBlock.Result onZone = runDoc("policy-on-zone-1");
            return onZone.statuses().equals(List.of(200)) && onZone.calls().getFirst().body().contains("\"name\":\"backend-timeouts\"");
        });

        ShellBlock.Result deny = runDoc("deny-demo-client");
        assertThat(deny.statuses()).as(deny.output()).containsExactly(201);
        // each attempt starts two JVMs (agent, client): a deadline of a few attempts
        Await.until("hello refuses demo-client (MeshTrafficPermission from the global)", Duration.ofSeconds(30),
                () -> runDoc("demo-hello-denied").output().contains("0/2 calls ok"));
        assertThat(runDoc("demo-hello-denied").output()).contains("PERMISSION_DENIED");
        Await.until("hello lets demo-client in again", Duration.ofSeconds(30), () -> runDoc("allow-demo-client").output().contains("2/2 calls ok"));

        ShellBlock.Result read = runDoc("read-back");
        assertThat(read.statuses()).as(read.output()).containsExactly(200, 200);
        JsonNode page = JSON.readTree(read.calls().get(0).body());
        assertThat(page.path("total").asInt()).isEqualTo(1);
        assertThat(page.path("items").get(0).path("spec").path("to").get(0).path("default").path("idleTimeout").asText()).isEqualTo("20s");
        assertThat(read.calls().get(1).body()).contains("name: backend-timeouts", "idleTimeout: 20s", "requestTimeout: 2s");

        ShellBlock.Result invalid = runDoc("invalid-policy");
        assertThat(invalid.statuses()).as(invalid.output()).containsExactly(400);
        JsonNode answer = JSON.readTree(invalid.calls().getFirst().body());
        assertThat(answer.path("causes").get(0).path("field").asText()).isEqualTo("spec.to[0].default.idleTimeout");
        assertThat(answer).as("the answer docs/quickstart.md shows").isEqualTo(JSON.readTree(quickstart.block("invalid-policy-answer")));

        ShellBlock.Result notStored = runDoc("not-stored");
        assertThat(notStored.statuses()).as(notStored.output()).containsExactly(404);
    }

    @Test
    @Order(4)
    void ctrlCStopsEveryProcessItStarted() throws Exception {
        List<ProcessHandle> started = launcher.descendants();
        assertThat(launcher.javaProcesses()).hasSize(9);

        launcher.interrupt();
        int exit = launcher.awaitExit(Duration.ofSeconds(60));

        assertThat(exit).as("exit code after SIGINT").isEqualTo(130);
        assertThat(started).as("processes still alive after the launcher exited").noneMatch(ProcessHandle::isAlive);
        assertThat(launcher.output()).contains("==> stopping", "==> stopped");
        // the demo services were stopped first (their xDS servers went away gracefully: the zones remove their
        // self-registered Dataplanes after the grace period)
        assertThat(Files.readString(launcher.logDir.resolve("demo-2.log"))).contains("stopped demo services of zone-2");
        assertThat(Files.readString(launcher.logDir.resolve("demo-1.log"))).contains("stopped demo services of zone-1");
    }
}
