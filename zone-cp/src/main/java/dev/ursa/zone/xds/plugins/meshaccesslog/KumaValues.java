package dev.ursa.zone.xds.plugins.meshaccesslog;

/**
 * What Kuma's {@code %KUMA_*%} placeholders stand for in one listener's access logs; replaced when the config is
 * rendered (Envoy never sees them), as Kuma's {@code InterpolateKumaValues} does.
 *
 * @param direction {@code INBOUND} or {@code OUTBOUND}
 */
record KumaValues(String sourceService, String sourceIp, String destinationService, String mesh, String zone, String direction) {
    String interpolate(String format) {
        String sourceAddress = sourceIp.contains(":") ? "[" + sourceIp + "]:0" : sourceIp + ":0";
        return format.replace("%KUMA_SOURCE_ADDRESS%", sourceAddress)
                .replace("%KUMA_SOURCE_ADDRESS_WITHOUT_PORT%", sourceIp)
                .replace("%KUMA_SOURCE_SERVICE%", sourceService)
                .replace("%KUMA_DESTINATION_SERVICE%", destinationService)
                .replace("%KUMA_MESH%", mesh)
                .replace("%KUMA_TRAFFIC_DIRECTION%", direction)
                .replace("%KUMA_ZONE%", zone)
                .replace("%KUMA_WORKLOAD%", "");
    }
}
