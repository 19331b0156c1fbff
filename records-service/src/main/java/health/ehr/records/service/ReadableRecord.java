package health.ehr.records.service;

import health.ehr.records.MedicalRecord;

/** A record the caller may read, with its unwrapped data key (null once erased). */
public record ReadableRecord(MedicalRecord record, EnvelopeCipher.DataKey key) {
}
