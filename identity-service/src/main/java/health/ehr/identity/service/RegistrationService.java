package health.ehr.identity.service;

import health.ehr.events.chain.RegisterPatient;
import health.ehr.identity.Clinic;
import health.ehr.identity.Party;
import health.ehr.identity.Patient;
import health.ehr.identity.Practitioner;
import health.ehr.identity.client.KeycloakDirectory;
import health.ehr.identity.repository.ClinicRepository;
import health.ehr.identity.repository.PartyRepository;
import health.ehr.identity.repository.PatientRepository;
import health.ehr.identity.repository.PractitionerRepository;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.DomainException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Registers parties in two systems that share no transaction: Keycloak first (it owns the
 * account and decides on the password), then the profile, chain identity and outgoing events in
 * one MySQL transaction. If the second step fails the Keycloak account is deleted again, so a
 * failure half-way never leaves a half-registered user behind.
 */
@ApplicationScoped
public class RegistrationService {

    private static final Logger LOG = Logger.getLogger(RegistrationService.class);

    private final KeycloakDirectory keycloak;
    private final PartyRepository parties;
    private final PatientRepository patients;
    private final PractitionerRepository practitioners;
    private final ClinicRepository clinics;
    private final ChainIdentities chain;
    private final OutboxWriter outbox;

    public RegistrationService(KeycloakDirectory keycloak, PartyRepository parties, PatientRepository patients,
            PractitionerRepository practitioners, ClinicRepository clinics, ChainIdentities chain,
            OutboxWriter outbox) {
        this.keycloak = keycloak;
        this.parties = parties;
        this.patients = patients;
        this.practitioners = practitioners;
        this.clinics = clinics;
        this.chain = chain;
        this.outbox = outbox;
    }

    /** A patient's self-registration: account, profile, chain identity, custodial key, events. */
    public PatientAccount registerPatient(NewPatient request) {
        String email = normalise(request.email());
        refuseTakenEmail(email);
        UUID id = keycloak.createUser(email, request.password(), request.givenName().strip(),
                request.familyName().strip(), "patient");
        return compensating(() -> keycloak.deleteUser(id), () -> {
            Party party = party(id, "patient", email, request.givenName().strip(), request.familyName().strip());
            ChainIdentities.CustodialKey key = chain.newCustodialKey(id);
            Patient patient = new Patient();
            patient.patientId = id;
            patient.birthDate = request.birthDate();
            patient.chainId = chain.chainIdHex(id);
            patient.controllerAddress = key.address();
            patient.wrappedKey = key.wrappedKey();
            patient.kekId = key.kekId();
            patients.persist(patient);
            outbox.append(new health.ehr.events.identity.PatientRegistered(id, patient.chainId,
                    patient.controllerAddress, email, party.givenName, party.familyName, party.createdAt));
            outbox.append(new RegisterPatient(UUID.randomUUID(), id, patient.chainId, patient.controllerAddress));
            LOG.infof("patient %s registered", id);
            return new PatientAccount(party, patient);
        });
    }

    /** A practitioner's registration by an administrator. */
    public PractitionerAccount registerPractitioner(NewPractitioner request) {
        String email = normalise(request.email());
        refuseTakenEmail(email);
        UUID id = keycloak.createUser(email, request.password(), request.givenName().strip(),
                request.familyName().strip(), "practitioner");
        return compensating(() -> keycloak.deleteUser(id), () -> {
            Party party = party(id, "practitioner", email, request.givenName().strip(), request.familyName().strip());
            Practitioner practitioner = new Practitioner();
            practitioner.practitionerId = id;
            practitioner.licenseNumber = request.licenseNumber().strip();
            practitioner.specialty = request.specialty().strip();
            practitioner.organization = request.organization().strip();
            practitioners.persist(practitioner);
            outbox.append(new health.ehr.events.identity.PractitionerRegistered(id, email, party.givenName,
                    party.familyName, practitioner.specialty, practitioner.organization, party.createdAt));
            LOG.infof("practitioner %s registered", id);
            return new PractitionerAccount(party, practitioner);
        });
    }

    /** A clinic's registration: a confidential client whose secret is returned once. */
    public RegisteredClinic registerClinic(NewClinic request) {
        String email = normalise(request.contactEmail());
        String name = request.name().strip();
        String clientId = "clinic-" + slug(name) + "-" + UUID.randomUUID().toString().substring(0, 8);
        KeycloakDirectory.ClinicClient client = keycloak.createClinicClient(clientId, name);
        UUID id = client.serviceAccountId();
        return compensating(() -> keycloak.deleteClient(client.internalId()), () -> {
            Party party = new Party();
            party.partyId = id;
            party.role = "clinic";
            // Several clinics may share a contact address; the party's unique e-mail is its client's.
            party.email = clientId + "@clients.ehr.invalid";
            party.givenName = name.length() > 100 ? name.substring(0, 100) : name;
            party.createdAt = Instant.now();
            parties.persist(party);
            Clinic clinic = new Clinic();
            clinic.clinicId = id;
            clinic.name = name;
            clinic.clientId = clientId;
            clinics.persist(clinic);
            outbox.append(new health.ehr.events.identity.ClinicRegistered(id, name, email, clientId, party.createdAt));
            LOG.infof("clinic %s registered as client %s", id, clientId);
            return new RegisteredClinic(clinic, client.secret());
        });
    }

    private Party party(UUID id, String role, String email, String givenName, String familyName) {
        Party party = new Party();
        party.partyId = id;
        party.role = role;
        party.email = email;
        party.givenName = givenName;
        party.familyName = familyName;
        party.createdAt = Instant.now();
        parties.persist(party);
        return party;
    }

    private void refuseTakenEmail(String email) {
        if (parties.count("email", email) > 0) {
            throw DomainException.conflict("An account with this e-mail already exists.");
        }
    }

    private static <T> T compensating(Runnable undo, Supplier<T> work) {
        try {
            return QuarkusTransaction.requiringNew().call(work::get);
        } catch (RuntimeException e) {
            undo.run();
            if (e instanceof DomainException domain) {
                throw domain;
            }
            LOG.errorf("registration rolled back, identity provider entry removed: %s", e.toString());
            throw new DomainException(Response.Status.SERVICE_UNAVAILABLE, "registration-failed",
                    "The registration could not be stored; nothing was registered. Try again.");
        }
    }

    private static String normalise(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    private static String slug(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.isEmpty()) {
            slug = "clinic";
        }
        return slug.length() > 40 ? slug.substring(0, 40) : slug;
    }

    /** A patient's self-registration, as checked by the rest layer. */
    public record NewPatient(String email, String password, String givenName, String familyName,
            LocalDate birthDate) {
    }

    /** A practitioner's registration by an administrator. */
    public record NewPractitioner(String email, String password, String givenName, String familyName,
            String licenseNumber, String specialty, String organization) {
    }

    /** A clinic's registration by an administrator. */
    public record NewClinic(String name, String contactEmail) {
    }

    /** A registered clinic with its client secret, which is stored nowhere here and shown once. */
    public record RegisteredClinic(Clinic clinic, String clientSecret) {
    }
}
