package dev.ursa.sync.stream;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class VersionDigestTest {
    @Test
    void dependsOnEveryPairButNotOnOrder() {
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> backward = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (int i = 0; i < 100; i++) {
            forward.put("default/t" + i, "v" + i);
            backward.put("default/t" + i, "v" + i);
        }
        VersionDigest d = VersionDigest.of(forward);
        assertThat(VersionDigest.of(backward)).isEqualTo(d);
        assertThat(d.count()).isEqualTo(100);

        Map<String, String> changed = new LinkedHashMap<>(forward);
        changed.put("default/t7", "v7b");
        assertThat(VersionDigest.of(changed)).isNotEqualTo(d);
        Map<String, String> renamed = new LinkedHashMap<>(forward);
        renamed.remove("default/t7");
        renamed.put("default/t7x", "v7");
        assertThat(VersionDigest.of(renamed)).isNotEqualTo(d);
        // A swapped pair of versions is a different set.
        Map<String, String> swapped = new LinkedHashMap<>(forward);
        swapped.put("default/t1", "v2");
        swapped.put("default/t2", "v1");
        assertThat(VersionDigest.of(swapped)).isNotEqualTo(d);
    }

    @Test
    void wireFormRoundTripsAndGarbageIsRefused() {
        VersionDigest d = VersionDigest.of(Map.of("a", "1", "b", "2"));
        assertThat(d.toString()).matches("2:[0-9a-f]{32}");
        assertThat(VersionDigest.parse(d.toString())).contains(d);
        assertThat(VersionDigest.parse(VersionDigest.EMPTY.toString())).contains(VersionDigest.EMPTY);
        assertThat(VersionDigest.parse("")).isEmpty();
        assertThat(VersionDigest.parse("x:00000000000000000000000000000000")).isEmpty();
        assertThat(VersionDigest.parse("-1:00000000000000000000000000000000")).isEmpty();
        assertThat(VersionDigest.parse("2:0000")).isEmpty();
        assertThat(VersionDigest.parse("2:zz000000000000000000000000000000")).isEmpty();
    }
}
