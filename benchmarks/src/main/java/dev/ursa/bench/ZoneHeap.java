package dev.ursa.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Used heap of a CP process after a full GC. The zone CP is a separate JVM, so the GC is requested with
 * {@code jcmd <pid> GC.run} (the attach API; no JMX port to open), and the heap is read from its own Micrometer
 * metrics ({@code /q/metrics}: {@code jvm_memory_used_bytes{area="heap"}} summed over the heap pools), i.e. what an
 * operator's Prometheus would see.
 */
public final class ZoneHeap {
    private static final Pattern HEAP_POOL = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*}\\s+(\\S+)$", Pattern.MULTILINE);

    private ZoneHeap() {
    }

    public static long usedAfterGc(Federation fed, CpProcess cp) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (int i = 0; i < 2; i++) {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(cp.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("jcmd " + cp.pid() + " GC.run failed");
        }
        HttpResponse<String> r = fed.get(cp.baseUri(), "/q/metrics");
        if (r.statusCode() != 200) throw new IllegalStateException("/q/metrics answered " + r.statusCode());
        Matcher m = HEAP_POOL.matcher(r.body());
        double sum = 0;
        int pools = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            pools++;
        }
        if (pools == 0) throw new IllegalStateException("no jvm_memory_used_bytes{area=\"heap\"} in " + cp.baseUri() + "/q/metrics");
        return (long) sum;
    }
}
