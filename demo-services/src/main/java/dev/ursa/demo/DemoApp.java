package dev.ursa.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of {@code demo-services.jar}:
 * <pre>
 * serve --zone zone-2 --zone-api http://127.0.0.1:5692 [--api-token-file FILE] [--mesh default] [--address 127.0.0.1] SERVICE...
 * serve --zone zone-2 --xds-ports hello=20201,echo=20202     (xDS servers; bootstrap from GRPC_XDS_BOOTSTRAP, by ursa-agent)
 * call  [--xds 127.0.0.1:5678] [--token-file FILE | --bootstrap FILE] [--mesh default] [--count 5] [--message hi] SERVICE
 * </pre>
 * Credentials come from files, never from the command line (where any user of the host can read them):
 * {@code --token-file} holds the client's dataplane token ({@code POST /tokens/dataplane} on its zone CP),
 * {@code --api-token-file} a user token for a zone API reached other than over loopback.
 */
public final class DemoApp {
    // Held strongly: java.util.logging keeps only weak references to configured loggers.
    private static final Logger GRPC_LOGS = Logger.getLogger("io.grpc");

    private DemoApp() {
    }

    public static void main(String[] argv) throws Exception {
        GRPC_LOGS.setLevel(Level.WARNING); // keep the demo's output to what the user asked for
        if (argv.length == 0) usage("missing command");
        Args args = Args.parse(List.of(argv).subList(1, argv.length));
        switch (argv[0]) {
            case "serve" -> serve(args);
            case "call" -> {
                if (args.positional().size() != 1) usage("call takes one service name");
                int count = Integer.parseInt(args.option("count", "5"));
                String bootstrap = args.options().containsKey("bootstrap") ? Files.readString(Path.of(args.options().get("bootstrap"))) : null;
                int ok = DemoClient.run(args.option("xds", "127.0.0.1:5678"), args.option("mesh", "default"),
                        args.positional().getFirst(), count, args.option("message", "hi"), secret(args, "token-file"), bootstrap);
                System.exit(ok == count ? 0 : 1);
            }
            default -> usage("unknown command " + argv[0]);
        }
    }

    private static void serve(Args args) throws Exception {
        String zone = args.required("zone");
        if (args.options().containsKey("xds-ports")) {
            DemoServer server = new DemoServer(null, zone, null);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop"));
            for (String entry : args.required("xds-ports").split(",")) {
                String[] sp = entry.split("=", 2);
                if (sp.length != 2) usage("--xds-ports takes SERVICE=PORT,...; got " + entry);
                server.startXds(sp[0].trim(), Integer.parseInt(sp[1].trim()));
            }
            System.out.println("demo services of " + zone + " ready");
            server.awaitTermination();
            return;
        }
        if (args.positional().isEmpty()) usage("serve needs at least one service name");
        DemoServer server = new DemoServer(new DataplaneRegistration(URI.create(args.required("zone-api")), args.option("mesh", "default"),
                secret(args, "api-token-file")), zone, args.option("address", "127.0.0.1"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "deregister"));
        for (String service : args.positional()) server.start(service, Duration.ofSeconds(60));
        System.out.println("demo services of " + zone + " ready");
        server.awaitTermination();
    }

    /** The trimmed content of the file named by option {@code name}; null when the option is absent. */
    static String secret(Args args, String name) throws IOException {
        String file = args.options().get(name);
        if (file == null) return null;
        String value = Files.readString(Path.of(file)).trim();
        if (value.isEmpty()) usage("--" + name + " " + file + " is empty");
        return value;
    }

    private static void usage(String problem) {
        System.err.println(problem + """

                usage: java -jar demo-services.jar serve --zone ZONE --zone-api http://HOST:PORT [--api-token-file FILE] [--mesh default]
                                                         [--address 127.0.0.1] SERVICE...
                       java -jar demo-services.jar serve --zone ZONE --xds-ports SERVICE=PORT,...   (GRPC_XDS_BOOTSTRAP set by ursa-agent)
                       java -jar demo-services.jar call [--xds 127.0.0.1:5678] [--token-file FILE | --bootstrap FILE] [--mesh default]
                                                        [--count 5] [--message hi] SERVICE""");
        System.exit(2);
    }

    /** {@code --name value} options and positional words. */
    record Args(Map<String, String> options, List<String> positional) {
        static Args parse(List<String> words) {
            Map<String, String> options = new HashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (w.startsWith("--")) {
                    if (i + 1 >= words.size()) usage("option " + w + " needs a value");
                    options.put(w.substring(2), words.get(++i));
                } else {
                    positional.add(w);
                }
            }
            return new Args(options, positional);
        }

        String option(String name, String fallback) {
            return options.getOrDefault(name, fallback);
        }

        String required(String name) {
            String v = options.get(name);
            if (v == null) usage("missing --" + name);
            return v;
        }
    }
}
