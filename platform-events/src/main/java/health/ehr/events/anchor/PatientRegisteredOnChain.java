package health.ehr.events.anchor;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * A patient's pseudonymous id is registered in PatientRegistry. CloudEvents type
 * {@code ehr.anchor.PatientRegisteredOnChain.v1}.
 */
public record PatientRegisteredOnChain(
        UUID patientId,
        String chainId,
        String controllerAddress,
        String transactionHash,
        long blockNumber) implements EventData {

    public static final String TYPE = "ehr.anchor.PatientRegisteredOnChain.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
