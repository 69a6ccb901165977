package dev.ursa.mesh.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 *         <li>it is a relative path that climbs ({@code ../x}, {@code ../../x/y}) and, resolved from its module's
 *             directory (the working directory of its tests), lands outside the repository root or in a top-level
 *             folder the repository does not have: a folder that sits next to a checkout and never next to a user's
 *             clone. A bare prefix with no name after it ({@code "../../" + module}) is a piece of a path built
 *             elsewhere and is not reported; or</li>
 *         <li>it, or one line of a text block, <i>is</i> an absolute machine path: it starts (optionally after
 *             {@code file:}) with {@code /work}, {@code /root}, {@code /home}, {@code /Users} or {@code /tmp} as a whole
 *             segment, or with {@code /usr/lib/jvm}. A path that is a value inside a document under test
 *             ({@code eventLogPath: /tmp/hc.log} in a policy text block) is data, not a location, and is not
 *             reported.</li>
 *       </ol></li>
 *   <li><b>Every other file</b> (test resources: YAML, JSON, properties, text), every line, comments included, token by
 *       token (split at whitespace, quotes, {@code = : ,} and brackets), because configuration names locations by
 *       value: (a) a climbing relative path that, resolved from the file's own folder, leaves the repository root;
 *       (b) a machine path as above. Paths of the deployed layout ({@code /etc/ursa}, {@code /opt/ursa},
 *       {@code /var/lib/ursa}, {@code /usr/bin}) are not machine paths of the test run and stay allowed.</li>
 * </ul>
 * Nothing is allowlisted.
 */
public final class RepoBoundaryGuard {
    /** {@code ../} once or more, then at least one name: a path, not a prefix. */
    private static final Pattern CLIMBING_PATH = Pattern.compile("^(?:file:)?((?:\\.\\./)++)([^/\\s][^\\s]*)$");
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

    /** Scans {@code <dir>/src/test/**} of every top-level directory of {@code root}. */
    public static Result scan(Path root) {
        Path absoluteRoot = root.toAbsolutePath().normalize();
        List<String> scanned = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Path file : testFiles(absoluteRoot)) {
            String relative = absoluteRoot.relativize(file).toString().replace('\\', '/');
            String text = read(file);
            if (text.indexOf('\0') >= 0) {
                continue; // binary data cannot name a path the way this rule reads it
            }
            scanned.add(relative);
            if (relative.endsWith(".java")) {
                Path module = absoluteRoot.resolve(relative.substring(0, relative.indexOf('/')));
                for (Literal literal : JavaLiterals.of(text)) {
                    checkJavaLiteral(absoluteRoot, module, relative, literal, findings);
                }
            } else {
                checkDataFile(absoluteRoot, file.getParent(), relative, text, findings);
            }
        }
        return new Result(scanned, findings);
    }

    private static void checkJavaLiteral(Path root, Path module, String file, Literal literal, List<Finding> out) {
        String[] lines = literal.value().split("\n", -1);
        int offset = 0;
        for (String line : lines) {
            String path = line.strip();
            if (climbsOut(root, module, path, true)) {
                out.add(new Finding(file, literal.lineAt(offset), "reads a folder outside the repository", path));
            } else if (MACHINE_PATH.matcher(path).find()) {
                out.add(new Finding(file, literal.lineAt(offset), "uses an absolute path of this machine", path));
            }
            offset += line.length() + 1;
        }
    }

    private static void checkDataFile(Path root, Path folder, String file, String text, List<Finding> out) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            for (String token : TOKEN_SEPARATORS.split(line)) {
                if (climbsOut(root, folder, token, false)) {
                    out.add(new Finding(file, i + 1, "reads a folder outside the repository", line.strip()));
                    break;
                }
                if (MACHINE_PATH.matcher(token).find()) {
                    out.add(new Finding(file, i + 1, "uses an absolute path of this machine", line.strip()));
                    break;
                }
            }
        }
    }

    /**
     * Whether {@code text} is a climbing relative path that, resolved from {@code from}, leaves {@code root}, or (when
     * {@code onlyExistingTopLevel}) lands in a top-level folder {@code root} does not have.
     */
    private static boolean climbsOut(Path root, Path from, String text, boolean onlyExistingTopLevel) {
        Matcher m = CLIMBING_PATH.matcher(text);
        if (!m.find()) return false;
        Path target = from.resolve(m.group(1) + m.group(2)).normalize();
        if (!target.startsWith(root)) return true;
        if (!onlyExistingTopLevel || target.equals(root)) return false;
        return !Files.exists(root.resolve(root.relativize(target).getName(0)));
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
