package health.ehr.events.chain;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * Chain command: register a pseudonymous patient id with its controller in PatientRegistry. CloudEvents type
 * {@code ehr.chain.RegisterPatient.v1}.
 */
public record RegisterPatient(
        UUID commandId,
        UUID patientId,
        String chainId,
        String controllerAddress) implements EventData {

    public static final String TYPE = "ehr.chain.RegisterPatient.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
