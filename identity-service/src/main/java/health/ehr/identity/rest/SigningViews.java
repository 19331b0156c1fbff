package health.ehr.identity.rest;

import health.ehr.identity.service.ConsentSigner.Signature;

/** What the internal consent-signing endpoint answers. Body it reads: {@link SigningRequests}. */
public final class SigningViews {

    private SigningViews() {
    }

    /** The signature (65 bytes r‖s‖v) and what it was computed over. */
    public record ConsentSignature(String patientChainId, String granteeChainId, String controllerAddress,
            String digest, String signature) {

        static ConsentSignature of(Signature s) {
            return new ConsentSignature(s.patientChainId(), s.granteeChainId(), s.controllerAddress(), s.digest(),
                    s.signature());
        }
    }
}
