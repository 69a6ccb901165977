package dev.ursa.agent;

import java.time.Instant;

/**
 * What the health endpoint reports: an immutable snapshot the agent's loop replaces after each step.
 *
 * @param mtls                null until the CP has said whether the mesh has mTLS on
 * @param certificate         the certificate in place, or null
 * @param nextRenewal         when the next Sign is due (null while mTLS is off or unknown)
 * @param lastError           the failure of the last call that failed, until that call succeeds again
 * @param consecutiveFailures retries in a row of the failing call (its backoff step)
 */
public record AgentStatus(boolean bootstrapWritten, Boolean mtls, CertificateInfo certificate, Instant lastRenewal,
                          Instant nextRenewal, String lastError, int consecutiveFailures) {
    static final AgentStatus INITIAL = new AgentStatus(false, null, null, null, null, null, 0);

    /** Ready: the files in place are valid now, or the mesh has mTLS off and the bootstrap is written. */
    public boolean ready(Instant now) {
        if (certificate != null && certificate.validAt(now)) return true;
        return Boolean.FALSE.equals(mtls) && bootstrapWritten;
    }
}
