package dev.ursa.cp.api.auth;

/** What an admin API request needs from its caller. */
public enum Access {
    /** Nothing: health probes. */
    OPEN,
    /** Group {@code mesh-system:readonly} or {@code mesh-system:admin}. */
    READ,
    /** Group {@code mesh-system:admin}. */
    ADMIN;

    public boolean allows(Caller caller) {
        return switch (this) {
            case OPEN -> true;
            case READ -> caller.canRead();
            case ADMIN -> caller.isAdmin();
        };
    }

    /** The group a refused caller lacks, for the 403 body. */
    public String neededGroup() {
        return this == ADMIN ? Groups.ADMIN : Groups.READONLY + " or " + Groups.ADMIN;
    }
}
