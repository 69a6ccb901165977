package dev.ursa.zone.xds;

import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.OutboundView;

import java.util.ArrayList;
import java.util.List;

/** What a render depends on besides the endpoints: equal keys render equal configs. Immutable. */
record RenderKey(Flavour flavour, String mesh, DataplaneSpec spec, List<OutboundView> outbounds, List<Object> policies,
                 DataplaneView.MtlsMode mtls) {
    static RenderKey of(DataplaneView view) {
        List<Object> policies = new ArrayList<>();
        view.policies().forEach((type, rules) -> {
            rules.matches().forEach(m -> policies.add(List.of(m.policy().key(), m.policy().meta().version(), m.policy().spec())));
            // a proxyless client applies some policies for the services it calls: their inbounds' rules are part of it
            if (!rules.destinations().isEmpty()) policies.add(rules.destinations());
        });
        return new RenderKey(view.flavour(), view.id().mesh(), view.spec(), view.outbounds(), policies, view.mtls());
    }
}
