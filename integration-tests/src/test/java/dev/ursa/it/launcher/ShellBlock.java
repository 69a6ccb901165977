package dev.ursa.it.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a documented shell snippet with bash, as a reader would paste it, with two changes: the documented default ports
 * are replaced by the test's, and {@code curl} is wrapped to report each call's HTTP status after its body.
 */
final class ShellBlock {
    private static final String STATUS_MARK = "@@http-status=";
    private static final Pattern CALL_END = Pattern.compile("\\n?" + Pattern.quote(STATUS_MARK) + "(\\d{3})@@\\n");
    private static final String CURL_WRAPPER = "curl() { command curl -sS --max-time 30 -w '\\n" + STATUS_MARK + "%{http_code}@@\\n' \"$@\"; }\n";

    /** One curl call of the snippet. */
    record Call(int status, String body) {
    }

    /** The snippet's exit code, its output, and its curl calls in order. */
    record Result(int exitCode, String output, List<Call> calls) {
        List<Integer> statuses() {
            return calls.stream().map(Call::status).toList();
        }
    }

    private ShellBlock() {
    }

    static String withPorts(String snippet, Map<Integer, Integer> ports) {
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(snippet);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Integer mapped = ports.get(Integer.parseInt(m.group(1)));
            if (mapped == null) throw new AssertionError("the snippet uses port " + m.group(1) + ", which is not one of bin/run-local.sh's: " + snippet);
            m.appendReplacement(out, "127.0.0.1:" + mapped);
        }
        return m.appendTail(out).toString();
    }

    static Result run(String snippet, Path workDir) throws IOException, InterruptedException {
        return run(snippet, workDir, Map.of());
    }

    /** With {@code env} added, e.g. the {@code URSA_LOG_DIR} the launcher ran with (where bin/demo-client.sh finds its token). */
    static Result run(String snippet, Path workDir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", CURL_WRAPPER + snippet).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes(); // until the snippet closes its output, i.e. exits
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("snippet did not finish within 60 s:\n" + snippet);
        }
        String output = new String(out, StandardCharsets.UTF_8);
        List<Call> calls = new ArrayList<>();
        Matcher m = CALL_END.matcher(output);
        int start = 0;
        while (m.find()) {
            calls.add(new Call(Integer.parseInt(m.group(1)), output.substring(start, m.start()).strip()));
            start = m.end();
        }
        return new Result(p.exitValue(), output, calls);
    }
}
