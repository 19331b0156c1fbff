package health.ehr.identity.service;

import health.ehr.identity.Party;
import health.ehr.identity.Patient;

/** A patient's party row (contact, names) with their chain identity. */
public record PatientAccount(Party party, Patient patient) {
}
