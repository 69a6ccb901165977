package dev.ursa.mesh.resources;

/** The names of the Secrets that hold a builtin CA, as Kuma names them. */
public final class CaSecrets {
    private CaSecrets() {
    }

    /** The CA certificate (PEM, base64 in {@code data}). */
    public static String builtinCert(String mesh, String backend) {
        return mesh + ".ca-builtin-cert-" + backend;
    }

    /** The CA private key (PEM, base64 in {@code data}). */
    public static String builtinKey(String mesh, String backend) {
        return mesh + ".ca-builtin-key-" + backend;
    }
}
