package health.ehr.support.security;

import health.ehr.support.rest.DomainException;
import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The party making the current request, read from its verified bearer token alone: the party id
 * is the token's subject (a Keycloak user id; for a clinic, its service account's id), the roles
 * come from the {@code groups} claim.
 */
@RequestScoped
public class Caller {

    private final JsonWebToken token;

    @Inject
    public Caller(JsonWebToken token) {
        this.token = token;
    }

    /** The calling party's id; 401 when the request carries no verified token. */
    public UUID partyId() {
        String subject = token == null ? null : token.getSubject();
        if (subject == null) {
            throw new UnauthorizedException();
        }
        try {
            return UUID.fromString(subject);
        } catch (IllegalArgumentException e) {
            throw new UnauthorizedException();
        }
    }

    /** The platform roles the token carries. */
    public Set<Role> roles() {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (token != null && token.getGroups() != null) {
            token.getGroups().forEach(g -> Role.fromClaim(g).ifPresent(roles::add));
        }
        return roles;
    }

    public boolean has(Role role) {
        return roles().contains(role);
    }

    /**
     * The caller's main role: the one that decides what it sees (admin over auditor over
     * practitioner over clinic over patient), for responses such as {@code /me} and access logs.
     */
    public Optional<Role> primaryRole() {
        Set<Role> roles = roles();
        for (Role r : new Role[] {Role.ADMIN, Role.AUDITOR, Role.PRACTITIONER, Role.CLINIC, Role.PATIENT,
                Role.SERVICE}) {
            if (roles.contains(r)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** A string claim of the token, if present. */
    public Optional<String> claim(String name) {
        if (token == null) {
            return Optional.empty();
        }
        Object value = token.getClaim(name);
        return value == null ? Optional.empty() : Optional.of(value.toString().replaceAll("^\"|\"$", ""));
    }

    /** Requires that the caller is the patient {@code patientId} itself. */
    public void requireSelf(UUID patientId, String what) {
        if (!partyId().equals(patientId)) {
            throw DomainException.forbidden("Only the patient themselves may " + what + ".");
        }
    }
}
