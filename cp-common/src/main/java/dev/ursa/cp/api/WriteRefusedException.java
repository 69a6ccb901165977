package dev.ursa.cp.api;

/** A write this control plane does not accept for its role (e.g. a policy on a federated zone): HTTP 405. */
public final class WriteRefusedException extends RuntimeException {
    public WriteRefusedException(String message) {
        super(message);
    }
}
