package health.ehr.identity.service;

import health.ehr.identity.Party;
import health.ehr.identity.Practitioner;

/** A practitioner's party row (contact, names) with their professional details. */
public record PractitionerAccount(Party party, Practitioner practitioner) {
}
