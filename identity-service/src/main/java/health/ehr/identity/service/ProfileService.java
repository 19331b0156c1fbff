package health.ehr.identity.service;

import health.ehr.identity.Party;
import health.ehr.identity.repository.PartyRepository;
import health.ehr.identity.rest.MeResponse;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** Profiles of the platform's parties, as stored here or, before registration, as the token says. */
@ApplicationScoped
public class ProfileService {

    private final PartyRepository parties;

    public ProfileService(PartyRepository parties) {
        this.parties = parties;
    }

    /** The caller's identity: the stored profile if the party registered here, else the token's claims. */
    public MeResponse me(Caller caller) {
        UUID id = caller.partyId();
        Role role = caller.primaryRole().orElse(null);
        Optional<Party> stored = parties.findByIdOptional(id);
        String email = stored.map(p -> p.email).or(() -> caller.claim("email")).orElse(null);
        String given = stored.map(p -> p.givenName).or(() -> caller.claim("given_name")).orElse(null);
        String family = stored.map(p -> p.familyName).or(() -> caller.claim("family_name")).orElse(null);
        return new MeResponse(id, role == null ? null : role.claimValue(), email, given, family,
                role == Role.PATIENT ? id : null,
                role == Role.PRACTITIONER ? id : null,
                role == Role.CLINIC ? id : null);
    }
}
