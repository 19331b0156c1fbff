package health.ehr.identity.service;

import health.ehr.identity.Party;
import health.ehr.identity.Patient;
import health.ehr.identity.client.ConsentClient;
import health.ehr.identity.repository.PartyRepository;
import health.ehr.identity.repository.PatientRepository;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/** Profiles of the platform's parties, and who may see which. */
@ApplicationScoped
public class ProfileService {

    private static final Logger LOG = Logger.getLogger(ProfileService.class);

    private final PartyRepository parties;
    private final PatientRepository patients;
    private final ChainIdentities chain;
    private final ConsentClient consents;

    public ProfileService(PartyRepository parties, PatientRepository patients, ChainIdentities chain,
            @RestClient ConsentClient consents) {
        this.parties = parties;
        this.patients = patients;
        this.chain = chain;
        this.consents = consents;
    }

    /** The caller's identity: the stored profile if the party registered here, else the token's claims. */
    public Identity me(Caller caller) {
        UUID id = caller.partyId();
        Role role = caller.primaryRole().orElse(null);
        Optional<Party> stored = parties.findByIdOptional(id);
        String email = stored.map(p -> p.email).or(() -> caller.claim("email")).orElse(null);
        String given = stored.map(p -> p.givenName).or(() -> caller.claim("given_name")).orElse(null);
        String family = stored.map(p -> p.familyName).or(() -> caller.claim("family_name")).orElse(null);
        return new Identity(id, role, email, given, family);
    }

    /** Practitioners whose name, specialty or organisation contains {@code query} (any case). */
    public Page<ListedPractitioner> practitioners(String query, PageRequest page) {
        String like = "%" + (query == null ? "" : query.strip().toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")) + "%";
        String from = " FROM Party p, Practitioner r WHERE r.practitionerId = p.partyId AND ("
                + "lower(p.givenName) LIKE ?1 OR lower(p.familyName) LIKE ?1 OR lower(r.specialty) LIKE ?1"
                + " OR lower(r.organization) LIKE ?1)";
        long total = parties.getEntityManager().createQuery("SELECT count(p)" + from, Long.class)
                .setParameter(1, like).getSingleResult();
        List<ListedPractitioner> items = parties.getEntityManager().createQuery(
                        "SELECT new health.ehr.identity.service.ProfileService$ListedPractitioner(p.partyId,"
                                + " p.givenName, p.familyName, r.specialty, r.organization)" + from
                                + " ORDER BY p.familyName, p.givenName, p.partyId", ListedPractitioner.class)
                .setParameter(1, like).setFirstResult(page.offset()).setMaxResults(page.size).getResultList();
        return new Page<>(items, page.page, page.size, total);
    }

    /**
     * A patient's profile: for the patient, an administrator, or a practitioner or clinic holding
     * an active consent. Everyone else gets 404, so that not even the patient's existence leaks.
     */
    public PatientAccount patient(UUID patientId, Caller caller, String authorization) {
        boolean allowed = caller.partyId().equals(patientId) || caller.has(Role.ADMIN)
                || ((caller.has(Role.PRACTITIONER) || caller.has(Role.CLINIC)) && consentHeld(patientId, caller,
                        authorization));
        if (!allowed) {
            throw DomainException.notFound("No patient " + patientId + " visible to the caller.");
        }
        Party party = parties.findByIdOptional(patientId).filter(p -> "patient".equals(p.role))
                .orElseThrow(() -> DomainException.notFound("No patient " + patientId + "."));
        Patient patient = patients.findById(patientId);
        return new PatientAccount(party, patient);
    }

    /** A party as other services need it (recipients, grantee checks, chain ids). */
    public PartyDetails party(UUID partyId) {
        Party party = parties.findByIdOptional(partyId)
                .orElseThrow(() -> DomainException.notFound("No party " + partyId + "."));
        String controller = "patient".equals(party.role)
                ? patients.findByIdOptional(partyId).map(p -> p.controllerAddress).orElse(null) : null;
        return new PartyDetails(party, chain.chainIdHex(partyId), controller);
    }

    private boolean consentHeld(UUID patientId, Caller caller, String authorization) {
        try {
            return consents.check(authorization, patientId, caller.partyId()).permitted();
        } catch (RuntimeException e) {
            // Fail closed: without an answer from consent-service nobody but the patient reads.
            LOG.warnf("consent check for a profile read failed: %s", e.getMessage());
            return false;
        }
    }

    /** Who a caller is: party id, role (null for none of the platform's), contact and names. */
    public record Identity(UUID partyId, Role role, String email, String givenName, String familyName) {
    }

    /** A practitioner as the directory lists them. */
    public record ListedPractitioner(UUID practitionerId, String givenName, String familyName, String specialty,
            String organization) {
    }

    /** A party with its chain id and, for a patient, the controller address that PatientRegistry names. */
    public record PartyDetails(Party party, String chainId, String controllerAddress) {
    }
}
