package dev.ursa.mesh.policy.meshaccesslog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.BackendResourceRef;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 MeshAccessLog: access log backends (file, TCP, OpenTelemetry) for outbound ({@code to}) and inbound
 * ({@code from}, or the newer {@code rules}) traffic. Absent fields stay null so a round trip writes back what was sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshAccessLogSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<From> from,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rule> rules) implements TargetRefPolicy {

    /** An empty list means the same as an absent one; normalised so a round trip compares equal. */
    public MeshAccessLogSpec {
        to = to == null || to.isEmpty() ? null : to;
        from = from == null || from.isEmpty() ? null : from;
        rules = rules == null || rules.isEmpty() ? null : rules;
    }

    @Override
    public List<To> to() {
        return to == null ? List.of() : to;
    }

    @Override
    public List<From> from() {
        return from == null ? List.of() : from;
    }

    public List<Rule> rulesOrEmpty() {
        return rules == null ? List.of() : rules;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaults;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record From(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaults;
        }
    }

    /** An inbound rule; without {@code matches} it applies to all traffic the selected inbounds receive. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(List<Match> matches, @JsonProperty("default") Conf defaults) {
        public List<Match> matchesOrEmpty() {
            return matches == null ? List.of() : matches;
        }
    }

    /** Kuma's common Match: the client's SPIFFE ID or the connection's SNI. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(@JsonProperty("spiffeID") SpiffeIdMatch spiffeID, SniMatch sni) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SpiffeIdMatch(String type, String value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SniMatch(String type, String value) {
    }

    /** A null {@code backends} is "must be defined"; an empty list is valid and logs nothing (Kuma's rule). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(List<Backend> backends) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Backend(BackendType type, TcpBackend tcp, FileBackend file, OtelBackend openTelemetry) {
        /**
         * The backend's type: as written, or else the one backend object present (Kuma's docs write some examples
         * without {@code type}; the validator warns). Null when it cannot be told.
         */
        public BackendType effectiveType() {
            if (type != null) return type;
            int present = (tcp != null ? 1 : 0) + (file != null ? 1 : 0) + (openTelemetry != null ? 1 : 0);
            if (present != 1) return null;
            return tcp != null ? BackendType.Tcp : file != null ? BackendType.File : BackendType.OpenTelemetry;
        }
    }

    public enum BackendType {
        Tcp,
        File,
        OpenTelemetry
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TcpBackend(Format format, String address) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileBackend(Format format, String path) {
    }

    /** {@code body} is an OTLP AnyValue as JSON, or any other JSON that Kuma then logs as a string. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OtelBackend(List<OtelAttribute> attributes, JsonNode body, String endpoint, BackendResourceRef backendRef) {
        public List<OtelAttribute> attributesOrEmpty() {
            return attributes == null ? List.of() : attributes;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OtelAttribute(String key, String value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Format(FormatType type, String plain, List<JsonValue> json, Boolean omitEmptyValues) {
        /** As written, or else Plain/Json from the one of {@code plain}/{@code json} present (see Backend). */
        public FormatType effectiveType() {
            if (type != null) return type;
            if ((plain != null) == (json != null)) return null;
            return plain != null ? FormatType.Plain : FormatType.Json;
        }

        public boolean omitEmpty() {
            return Boolean.TRUE.equals(omitEmptyValues);
        }
    }

    public enum FormatType {
        Plain,
        Json
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JsonValue(String key, String value) {
    }
}
