package dev.ursa.sync;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.testing.SampleResources;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Test resources and a clock tests move by hand. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Resource parse(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    public static Resource mesh(String name) {
        return parse("type: Mesh\nname: " + name + "\n");
    }

    public static Resource timeout(String mesh, String name, String idle) {
        return parse(SampleResources.meshTimeout(mesh, name, idle));
    }

    public static Resource dataplane(String mesh, String name, String address) {
        return parse("""
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: %s
                  inbound:
                  - port: 8080
                    tags:
                      kuma.io/service: backend
                """.formatted(mesh, name, address));
    }

    public static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        public void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
