package dev.ursa.testsupport;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * {@link EchoBackend#CALL} answering {@code <caller> <message>}, the caller being the SPIFFE ID of the client's TLS
 * certificate ({@code plaintext} without TLS, {@code no-client-certificate} on TLS without one): for servers whose TLS
 * is configured elsewhere (e.g. by xDS), to show who the server saw.
 */
public final class CallerIdentityEcho {
    private CallerIdentityEcho() {
    }

    public static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("test.Echo").addMethod(EchoBackend.CALL, (call, headers) -> {
            String caller = spiffeId(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            call.request(1);
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(String message) {
                    call.sendHeaders(new Metadata());
                    call.sendMessage(caller + " " + message);
                    call.close(Status.OK, new Metadata());
                }
            };
        }).build();
    }

    /** The first {@code spiffe://} URI SAN of the peer's certificates. */
    public static String spiffeId(SSLSession session) {
        if (session == null) return "plaintext";
        try {
            for (Certificate c : session.getPeerCertificates()) {
                Collection<List<?>> sans = ((X509Certificate) c).getSubjectAlternativeNames();
                if (sans == null) continue;
                for (List<?> san : sans) {
                    if (Integer.valueOf(6).equals(san.get(0)) && san.get(1) instanceof String uri && uri.startsWith("spiffe://")) return uri;
                }
            }
            return "no-spiffe-id";
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return "no-client-certificate";
        }
    }
}
