package dev.ursa.zone.xds.plugins;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one command that writes golden files: runs every {@code *PluginTest} under this package with {@link Golden} in
 * writing mode, so each case the tests render is (re)written, new cases included. Then review {@code git diff} (and
 * {@code git status} for new files) against Envoy's documentation before committing.
 *
 * <pre>{@value Golden#UPDATE_COMMAND}</pre>
 *
 * <p>Never part of {@code verify}: the class name matches none of surefire's test patterns, it is disabled unless
 * {@code -Dursa.updateGolden=true} is given, and {@code .ci/run} refuses to run with that property set.
 */
@EnabledIfSystemProperty(named = Golden.UPDATE_PROPERTY, matches = "true")
class UpdateGoldens {
    @Test
    void writeEveryGoldenFile() throws Exception {
        List<Class<?>> tests = pluginTests();
        assertThat(tests).as("plugin tests found under %s", UpdateGoldens.class.getPackageName()).isNotEmpty();
        List<Path> written = Collections.synchronizedList(new ArrayList<>());
        Golden.writing = written;
        try {
            for (Class<?> test : tests) {
                for (Method m : test.getDeclaredMethods()) {
                    if (!m.isAnnotationPresent(Test.class) || Modifier.isStatic(m.getModifiers())) continue;
                    var constructor = test.getDeclaredConstructor();
                    constructor.setAccessible(true);
                    m.setAccessible(true);
                    try {
                        m.invoke(constructor.newInstance());
                    } catch (InvocationTargetException e) {
                        throw new AssertionError(test.getSimpleName() + "." + m.getName() + " could not render its case", e.getCause());
                    }
                }
            }
        } finally {
            Golden.writing = null;
        }
        written.stream().sorted().forEach(p -> System.out.println("[golden] written " + p));
        System.out.printf("[golden] %d golden files written by %d plugin tests: review `git diff` and `git status` before committing%n",
                written.size(), tests.size());
        assertThat(written).isNotEmpty();
    }

    /** Every {@code *PluginTest} class compiled under this package (its subpackages hold one per policy type). */
    private static List<Class<?>> pluginTests() throws URISyntaxException, java.io.IOException, ClassNotFoundException {
        Path root = Path.of(UpdateGoldens.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = root.resolve(UpdateGoldens.class.getPackageName().replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith("PluginTest.class")).sorted().toList()) {
                String name = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".").replaceAll("\\.class$", "");
                out.add(Class.forName(name));
            }
        }
        return out;
    }
}
