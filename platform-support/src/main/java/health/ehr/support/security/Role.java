package health.ehr.support.security;

import java.util.Locale;
import java.util.Optional;

/** The realm roles of Keycloak realm {@code ehr}, as they appear in a token's {@code groups} claim. */
public enum Role {
    PATIENT, PRACTITIONER, CLINIC, ADMIN, AUDITOR,
    /** A platform service's own service account, for internal endpoints. */
    SERVICE;

    public static final String PATIENT_NAME = "patient";
    public static final String PRACTITIONER_NAME = "practitioner";
    public static final String CLINIC_NAME = "clinic";
    public static final String ADMIN_NAME = "admin";
    public static final String AUDITOR_NAME = "auditor";
    public static final String SERVICE_NAME = "service";

    /** The role's name in tokens, e.g. {@code patient}. */
    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code value} in a token, if it is one of the platform's. */
    public static Optional<Role> fromClaim(String value) {
        for (Role r : values()) {
            if (r.claimValue().equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
