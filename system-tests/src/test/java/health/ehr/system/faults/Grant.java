package health.ehr.system.faults;

import health.ehr.system.faults.FaultStack.Party;

/**
 * A consent the run grants (a patient to a practitioner, one category) and, when {@code revoke}, revokes
 * once it is ACTIVE. The volatile fields are what became of it, written by {@link ConsentLoad}.
 */
final class Grant {
    final int index;
    final Party patient;
    final Party doctor;
    final String category;
    final boolean revoke;
    volatile String consentId;
    volatile boolean grantUncertain;
    volatile boolean revokeAcknowledged;
    volatile String revokeProblem;

    Grant(int index, Party patient, Party doctor, String category, boolean revoke) {
        this.index = index;
        this.patient = patient;
        this.doctor = doctor;
        this.category = category;
        this.revoke = revoke;
    }
}
