package dev.ursa.zone.xds.render;

/**
 * A policy whose edit of the packed Envoy config was left out of a dataplane's config ({@link EnvoyPatch}): the rest
 * of the config, the other policies' edits included, is served.
 *
 * @param type    the policy's type, e.g. {@code MeshProxyPatch}
 * @param policy  {@code mesh/name}
 * @param field   the part of the policy that failed, e.g. {@code spec.default.appendModifications[1]}
 * @param message why
 */
public record PatchFailure(String type, String policy, String field, String message) {
}
