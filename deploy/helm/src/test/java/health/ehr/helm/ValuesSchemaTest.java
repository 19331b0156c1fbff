package health.ehr.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** values.schema.json turns a wrong or misspelt value into a refused install, not a broken one. */
class ValuesSchemaTest {

    private static String refusal(String... set) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Chart.template(Renders.DEFAULTS.with(set)));
        return e.getMessage();
    }

    @Test
    void aWrongTypeIsRejected() {
        String message = refusal("services.records.replicaCount=many");
        assertTrue(message.contains("replicaCount"), message);
    }

    @Test
    void anUnknownTopLevelKeyIsRejected() {
        String message = refusal("evaluationMode=true");
        assertTrue(message.contains("evaluationMode"), message);
    }

    @Test
    void anUnknownKeyInAServiceBlockIsRejected() {
        String message = refusal("services.records.replicas=3");
        assertTrue(message.contains("replicas"), message);
    }

    @Test
    void theChainWriterCannotBeGivenReplicasOrAnAutoscaler() {
        assertTrue(refusal("services.chainAnchor.replicaCount=2").contains("replicaCount"));
        assertTrue(refusal("services.chainAnchor.autoscaling.enabled=true").contains("autoscaling"));
    }

    @Test
    void aMalformedContractAddressIsRejected() {
        String message = refusal("contracts.patientRegistry=not-an-address");
        assertTrue(message.contains("patientRegistry"), message);
    }

    @Test
    void anUnknownSaslMechanismIsRejected() {
        String message = refusal("kafka.sasl.mechanism=GSSAPI-ISH");
        assertTrue(message.contains("mechanism"), message);
    }

    @Test
    void anUnknownS3ChecksumIsRejected() {
        String message = refusal("s3.checksum=sha1");
        assertTrue(message.contains("checksum"), message);
    }

    @Test
    void aPartialSetOfContractAddressesIsRefused() {
        String message = refusal("contracts.patientRegistry=0x0000000000000000000000000000000000001001");
        assertTrue(message.contains("give all three addresses"), message);
    }
}
