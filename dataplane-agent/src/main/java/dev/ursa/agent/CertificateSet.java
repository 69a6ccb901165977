package dev.ursa.agent;

import java.util.Objects;

/** The three files gRPC's file_watcher provider reads, as one value: they are only ever written together. */
public record CertificateSet(String chainPem, String keyPem, String trustBundlePem) {
    public CertificateSet {
        Objects.requireNonNull(chainPem, "chainPem");
        Objects.requireNonNull(keyPem, "keyPem");
        Objects.requireNonNull(trustBundlePem, "trustBundlePem");
    }

    public CertificateSet withTrustBundle(String bundlePem) {
        return new CertificateSet(chainPem, keyPem, bundlePem);
    }

    @Override
    public String toString() { // never the key
        return "CertificateSet[chain " + chainPem.length() + " chars, bundle " + trustBundlePem.length() + " chars]";
    }
}
