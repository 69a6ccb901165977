package dev.ursa.zone.xds.plugins.meshmetric;

import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshmetric.MeshMetricPolicy;
import dev.ursa.zone.xds.render.PolicyPlugin;

/**
 * MeshMetric: accepted, validated as Kuma does, synced, and not applied yet in either flavour. Kuma renders its
 * Prometheus backend as a listener that kuma-dp's metrics hijacker answers (Envoy's stats merged with the
 * applications'), and its OpenTelemetry backend through kuma-dp too; Ursa has no such agent part yet, so nothing is
 * rendered. Said where it matters: the validator's warning ({@code Warning} header on write, {@code notApplied} in
 * {@code _policies}) and docs/dataplanes.md.
 */
public final class MeshMetricPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshMetricPolicy.TYPE;
    }
}
