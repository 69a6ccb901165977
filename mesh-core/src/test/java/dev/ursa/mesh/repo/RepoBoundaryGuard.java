package dev.ursa.mesh.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds test code and test data that read a path outside the repository, so that a fresh clone with nothing beside it
 * passes {@code ./mvnw verify}. Scope: every file under {@code <dir>/src/test/} for each top-level directory
 * {@code <dir>} of the repository root (the directory whose pom.xml has {@code <modules>}).
 *
 * <p>The rule, per file:
 * <ul>
 *   <li><b>Java sources</b>: only string literals count (plain {@code "..."} literals and text blocks, as written,
 *       escapes not decoded); comments and code do not. A literal is reported when
 *       <ol type="a">
 *         <li>it contains {@code ../shared} or the name of the shared Kuma examples folder ({@code kuma-examples},
 *             also when a path is built from segments such as {@code resolve("shared").resolve(...)}): the folder
 *             that sits next to the team's checkouts and never next to a user's clone; or</li>
 *         <li>it, or one line of a text block, <i>is</i> an absolute machine path: it starts (optionally after
 *             {@code file:}) with {@code /work}, {@code /root}, {@code /home}, {@code /Users} or {@code /tmp} as a whole
 *             segment, or with {@code /usr/lib/jvm}. A path that is a value inside a document under test
 *             ({@code eventLogPath: /tmp/hc.log} in a policy text block) is data, not a location, and is not
 *             reported.</li>
 *       </ol></li>
 *   <li><b>Every other file</b> (test resources: YAML, JSON, properties, text), every line, comments included:
 *       (a) as above, and (b) for each token (split at whitespace, quotes, {@code = : ,} and brackets), because
 *       configuration names locations by value. Paths of the deployed layout ({@code /etc/ursa}, {@code /opt/ursa},
 *       {@code /var/lib/ursa}, {@code /usr/bin}) are not machine paths of the test run and stay allowed.</li>
 * </ul>
 *
 * <p>One file is allowlisted: {@value #SHARED_EXAMPLES_TEST}, the optional check against the shared examples, which
 * looks for that folder by walking up and skips itself when it is absent. This class and its test are written so that
 * none of their own literals matches (e.g. the folder name is a regular expression with {@code [-]}).
 */
public final class RepoBoundaryGuard {
    /** The one file allowed to look outside the repository (relative to the repository root, '/' separated). */
    public static final String SHARED_EXAMPLES_TEST = "mesh-core/src/test/java/dev/ursa/mesh/policy/SharedKumaExamplesTest.java";

    private static final Pattern SHARED_FOLDER = Pattern.compile("\\.\\./shared|kuma[-]examples");
    private static final Pattern MACHINE_PATH = Pattern.compile("^(?:file:)?(?:/(?:work|root|home|Users|tmp)(?:/|$)|/usr/lib/jvm)");
    private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[\\s\"'=:,\\[\\](){}]+");

    private RepoBoundaryGuard() {
    }

    /** One offending place: a file relative to the scanned root, its 1-based line and why it was reported. */
    public record Finding(String file, int line, String reason, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + reason + ": " + text;
        }
    }

    /** The files looked at (relative, '/' separated) and what was found in them. */
    public record Result(List<String> scanned, List<Finding> findings) {
    }

    /** The nearest directory at or above {@code start} whose pom.xml declares {@code <modules>}. */
    public static Path repositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && read(pom).contains("<modules>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml with <modules> in " + start.toAbsolutePath() + " or above");
    }

    /** Scans {@code <dir>/src/test/**} of every top-level directory of {@code root}, skipping the allowlisted file. */
    public static Result scan(Path root) {
        List<String> scanned = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Path file : testFiles(root)) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            if (relative.equals(SHARED_EXAMPLES_TEST)) {
                continue;
            }
            String text = read(file);
            if (text.indexOf('\0') >= 0) {
                continue; // binary data cannot name a path the way this rule reads it
            }
            scanned.add(relative);
            if (relative.endsWith(".java")) {
                for (Literal literal : JavaLiterals.of(text)) {
                    checkJavaLiteral(relative, literal, findings);
                }
            } else {
                checkDataFile(relative, text, findings);
            }
        }
        return new Result(scanned, findings);
    }

    private static void checkJavaLiteral(String file, Literal literal, List<Finding> out) {
        Matcher shared = SHARED_FOLDER.matcher(literal.value());
        if (shared.find()) {
            out.add(new Finding(file, literal.lineAt(shared.start()), "reads the shared folder outside the repository",
                    literal.lineText(shared.start())));
        }
        String[] lines = literal.value().split("\n", -1);
        int offset = 0;
        for (String line : lines) {
            if (MACHINE_PATH.matcher(line.strip()).find()) {
                out.add(new Finding(file, literal.lineAt(offset), "uses an absolute path of this machine", line.strip()));
            }
            offset += line.length() + 1;
        }
    }

    private static void checkDataFile(String file, String text, List<Finding> out) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (SHARED_FOLDER.matcher(line).find()) {
                out.add(new Finding(file, i + 1, "reads the shared folder outside the repository", line.strip()));
            }
            for (String token : TOKEN_SEPARATORS.split(line)) {
                if (MACHINE_PATH.matcher(token).find()) {
                    out.add(new Finding(file, i + 1, "uses an absolute path of this machine", line.strip()));
                    break;
                }
            }
        }
    }

    private static List<Path> testFiles(Path root) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path testDir : dirs.filter(Files::isDirectory).map(d -> d.resolve("src").resolve("test")).filter(Files::isDirectory)
                    .sorted().toList()) {
                try (Stream<Path> walk = Files.walk(testDir)) {
                    walk.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).forEach(files::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A string literal's raw text and where it starts: the line of its first character of content. */
    record Literal(String value, int firstLine) {
        int lineAt(int index) {
            int line = firstLine;
            for (int i = 0; i < index && i < value.length(); i++) {
                if (value.charAt(i) == '\n') line++;
            }
            return line;
        }

        String lineText(int index) {
            int start = value.lastIndexOf('\n', index - 1) + 1;
            int end = value.indexOf('\n', index);
            return value.substring(start, end < 0 ? value.length() : end).strip();
        }
    }

    /** A small Java lexer: just enough to tell string literals from comments, char literals and code. */
    static final class JavaLiterals {
        private JavaLiterals() {
        }

        static List<Literal> of(String src) {
            List<Literal> literals = new ArrayList<>();
            int line = 1;
            int i = 0;
            int n = src.length();
            while (i < n) {
                char c = src.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (src.startsWith("//", i)) {
                    while (i < n && src.charAt(i) != '\n') i++;
                } else if (src.startsWith("/*", i)) {
                    int end = src.indexOf("*/", i + 2);
                    end = end < 0 ? n : end + 2;
                    line += count(src, i, end);
                    i = end;
                } else if (src.startsWith("\"\"\"", i)) {
                    // Text block: content starts after the line break that follows the opening delimiter.
                    int contentStart = src.indexOf('\n', i + 3);
                    contentStart = contentStart < 0 ? n : contentStart + 1;
                    int end = contentStart;
                    while (end < n && !src.startsWith("\"\"\"", end)) {
                        end += src.charAt(end) == '\\' ? 2 : 1;
                    }
                    end = Math.min(end, n);
                    line += count(src, i, contentStart);
                    literals.add(new Literal(src.substring(contentStart, end), line));
                    line += count(src, contentStart, end);
                    i = Math.min(end + 3, n);
                } else if (c == '"' || c == '\'') {
                    int end = i + 1;
                    while (end < n && src.charAt(end) != c && src.charAt(end) != '\n') {
                        end += src.charAt(end) == '\\' ? 2 : 1;
                    }
                    end = Math.min(end, n);
                    if (c == '"') {
                        literals.add(new Literal(src.substring(i + 1, end), line));
                    }
                    // An unterminated literal stops before its line break, which the loop must still count.
                    i = end < n && src.charAt(end) == '\n' ? end : end + 1;
                } else {
                    i++;
                }
            }
            return literals;
        }

        private static int count(String s, int from, int to) {
            int lines = 0;
            for (int k = from; k < to && k < s.length(); k++) {
                if (s.charAt(k) == '\n') lines++;
            }
            return lines;
        }
    }
}
