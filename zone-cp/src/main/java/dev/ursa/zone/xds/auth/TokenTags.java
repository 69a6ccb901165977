package dev.ursa.zone.xds.auth;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.DataplaneSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a Dataplane carries only tags a dataplane token allows, as Kuma checks it: every tag the token names must be
 * present, with an allowed value, on every inbound (and on the gateway of a gateway Dataplane). A token without tags
 * allows any Dataplane; a token with tags allows no node without a Dataplane (it has no tags to show).
 */
final class TokenTags {
    private TokenTags() {
    }

    /** Empty when allowed, else why not (names the tag, the inbound and the Dataplane, never the token). */
    static Optional<String> refusal(Map<String, List<String>> allowed, Resource dataplane) {
        if (allowed.isEmpty()) return Optional.empty();
        if (dataplane == null) {
            return Optional.of("the token allows only dataplanes tagged " + allowed + ", and this node has no Dataplane");
        }
        DataplaneSpec spec = dataplane.spec(DataplaneSpec.class);
        List<Map.Entry<String, Map<String, String>>> tagged = new ArrayList<>();
        List<DataplaneSpec.Inbound> inbounds = spec.inbounds();
        for (int i = 0; i < inbounds.size(); i++) tagged.add(Map.entry("inbound[" + i + "]", inbounds.get(i).tagsOrEmpty()));
        spec.gateway().ifPresent(g -> tagged.add(Map.entry("gateway", g.tagsOrEmpty())));
        if (tagged.isEmpty()) {
            return Optional.of("the token allows only dataplanes tagged " + allowed + ", and Dataplane " + dataplane.meta().name() + " has no inbound");
        }
        for (Map.Entry<String, List<String>> tag : allowed.entrySet()) {
            for (Map.Entry<String, Map<String, String>> where : tagged) {
                String value = where.getValue().get(tag.getKey());
                if (value == null || !tag.getValue().contains(value)) {
                    return Optional.of("the token allows " + tag.getKey() + " in " + tag.getValue() + ", but " + where.getKey()
                            + " of Dataplane " + dataplane.meta().name() + (value == null ? " has no such tag" : " has " + tag.getKey() + "=" + value));
                }
            }
        }
        return Optional.empty();
    }
}
