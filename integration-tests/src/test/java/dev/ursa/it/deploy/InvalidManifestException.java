package dev.ursa.it.deploy;

/** A manifest the Kubernetes API server (or Ursa) would refuse; the message names the document and the field. */
final class InvalidManifestException extends RuntimeException {
    InvalidManifestException(String message) {
        super(message);
    }
}
