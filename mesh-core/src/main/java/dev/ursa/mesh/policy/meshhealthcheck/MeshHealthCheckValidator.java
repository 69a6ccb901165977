package dev.ursa.mesh.policy.meshhealthcheck;

import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec.Conf;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec.HeaderKeyValue;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec.HeaderModifier;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec.HttpHealthCheck;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec.TcpHealthCheck;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec.To;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Kuma 2.14's MeshHealthCheck rules (its {@code validator.go}). */
public final class MeshHealthCheckValidator implements SpecValidator<MeshHealthCheckSpec> {
    private static final Set<TargetRefKind> TOP_KINDS = Set.of(
            TargetRefKind.Mesh, TargetRefKind.MeshSubset, TargetRefKind.MeshGateway,
            TargetRefKind.MeshService, TargetRefKind.MeshServiceSubset, TargetRefKind.Dataplane);
    private static final Set<TargetRefKind> TO_KINDS = Set.of(
            TargetRefKind.Mesh, TargetRefKind.MeshService, TargetRefKind.MeshMultiZoneService);
    /** An absolute Unix path or a Windows drive path, as Kuma's file-path check accepts. */
    private static final Pattern FILE_PATH = Pattern.compile("^(?:(?:/[^/\\x00]*)+/?|[a-zA-Z]:\\\\(?:[^\\\\/:*?\"<>|\\r\\n]+\\\\)*[^\\\\/:*?\"<>|\\r\\n]*)$");

    @Override
    public void validate(MeshHealthCheckSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP_KINDS, false, out);
        }
        for (int i = 0; i < spec.to().size(); i++) {
            FieldPath p = path.field("to").index(i);
            To to = spec.to().get(i);
            if (to == null) {
                out.add(p, "must be defined");
                continue;
            }
            TargetRefRules.validate(to.targetRef(), p.field("targetRef"), TO_KINDS, false, out);
            validateConf(to.defaultConf(), p.field("default"), out);
        }
    }

    private void validateConf(Conf conf, FieldPath path, Violations out) {
        if (conf == null) {
            out.add(path, "must have at least one defined: http, tcp, grpc");
            return;
        }
        positive(conf.interval(), path.field("interval"), out);
        positive(conf.timeout(), path.field("timeout"), out);
        positive(conf.unhealthyThreshold(), path.field("unhealthyThreshold"), out);
        positive(conf.healthyThreshold(), path.field("healthyThreshold"), out);
        positive(conf.initialJitter(), path.field("initialJitter"), out);
        positive(conf.intervalJitter(), path.field("intervalJitter"), out);
        if (conf.intervalJitterPercent() != null && (conf.intervalJitterPercent() < 0 || conf.intervalJitterPercent() > 100)) {
            out.add(path.field("intervalJitterPercent"), "must be in inclusive range [0, 100]");
        }
        percentage(conf.healthyPanicThreshold(), path.field("healthyPanicThreshold"), out);
        positive(conf.noTrafficInterval(), path.field("noTrafficInterval"), out);
        if (conf.eventLogPath() != null && !FILE_PATH.matcher(conf.eventLogPath()).matches()) {
            out.add(path.field("eventLogPath"), "must be a valid path when defined");
        }
        if (conf.http() != null) {
            validateHttp(conf.http(), path.field("http"), out);
        }
        if (conf.tcp() != null) {
            validateTcp(conf.tcp(), path.field("tcp"), out);
        }
        if (conf.http() == null && conf.tcp() == null && conf.grpc() == null) {
            out.add(path, "must have at least one defined: http, tcp, grpc");
        }
    }

    private void validateHttp(HttpHealthCheck http, FieldPath path, Violations out) {
        if (http.path() != null && http.path().isEmpty()) {
            out.add(path.field("path"), "must be defined");
        }
        List<Integer> statuses = http.expectedStatuses() == null ? List.of() : http.expectedStatuses();
        for (int i = 0; i < statuses.size(); i++) {
            Integer status = statuses.get(i);
            if (status == null || status < 100 || status > 599) {
                out.add(path.field("expectedStatuses").index(i), "must be in inclusive range [100, 599]");
            }
        }
        HeaderModifier headers = http.requestHeadersToAdd();
        if (headers != null) {
            headerList(headers.set(), path.field("requestHeadersToAdd").field("set"), out);
            headerList(headers.add(), path.field("requestHeadersToAdd").field("add"), out);
        }
    }

    /**
     * Not a Kuma rule (Kuma checks nothing in tcp), but the payloads are Base64 blocks that are decoded into the
     * health check: a payload that does not decode could not be rendered, so it is refused here, at its field.
     */
    private static void validateTcp(TcpHealthCheck tcp, FieldPath path, Violations out) {
        base64(tcp.send(), path.field("send"), out);
        List<String> receive = tcp.receive() == null ? List.of() : tcp.receive();
        for (int i = 0; i < receive.size(); i++) {
            base64(receive.get(i), path.field("receive").index(i), out);
        }
    }

    private static void base64(String payload, FieldPath path, Violations out) {
        if (payload == null) return;
        try {
            Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            out.add(path, "must be Base64, e.g. \"cGluZw==\" for \"ping\"");
        }
    }

    private static void headerList(List<HeaderKeyValue> headers, FieldPath path, Violations out) {
        if (headers == null) return;
        if (headers.size() > 16) {
            out.add(path, "must have at most 16 items");
        }
        for (int i = 0; i < headers.size(); i++) {
            HeaderKeyValue h = headers.get(i);
            if (h == null) {
                out.add(path.index(i), "must be defined");
            } else if (h.name() == null || h.name().isEmpty()) {
                out.add(path.index(i).field("name"), "must not be empty");
            }
        }
    }

    private static void positive(KumaDuration d, FieldPath path, Violations out) {
        if (d != null && (d.isNegative() || d.isZero())) {
            out.add(path, "must be greater than zero when defined");
        }
    }

    private static void positive(Integer n, FieldPath path, Violations out) {
        if (n != null && n <= 0) {
            out.add(path, "must be greater than zero when defined");
        }
    }

    private static void percentage(KumaDecimal value, FieldPath path, Violations out) {
        if (value == null) return;
        value.decimal().ifPresentOrElse(d -> {
            if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
                out.add(path, "must be in inclusive range [0.0, 100.0]");
            }
        }, () -> out.add(path, "string must be a valid number"));
    }
}
