package health.ehr.identity.service;

import health.ehr.contracts.ConsentTypedData;
import health.ehr.identity.Party;
import health.ehr.identity.Patient;
import health.ehr.identity.config.IdentityConfig;
import health.ehr.identity.repository.PartyRepository;
import health.ehr.identity.repository.PatientRepository;
import health.ehr.support.rest.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.web3j.crypto.ECKeyPair;

/**
 * Signs consent grants and revocations with a patient's custodial controller key. It builds the
 * EIP-712 typed data itself from the named fields, bound to the configured chain and
 * ConsentRegistry, so that it can only ever sign a consent of that patient, never arbitrary data.
 */
@ApplicationScoped
public class ConsentSigner {

    private static final Logger LOG = Logger.getLogger(ConsentSigner.class);
    private static final Set<String> GRANTEE_ROLES = Set.of("practitioner", "clinic");

    private final PatientRepository patients;
    private final PartyRepository parties;
    private final ChainIdentities chain;
    private final ConsentTypedData typedData;

    public ConsentSigner(PatientRepository patients, PartyRepository parties, ChainIdentities chain,
            IdentityConfig config) {
        this.patients = patients;
        this.parties = parties;
        this.chain = chain;
        this.typedData = new ConsentTypedData(config.chainId(), config.consentRegistry());
    }

    /** Which ConsentRegistry operation is signed. */
    public enum Kind { GRANT, REVOKE }

    /** The fields of a Grant or Revoke ({@code expiresAt} for a grant only); the chain ids are derived here. */
    public record Consent(Kind kind, UUID patientId, UUID granteeId, String scopeHash, Long expiresAt, String nonce) {
    }

    /** The signature (65 bytes r‖s‖v) and what it was computed over, all 0x hex. */
    public record Signature(String patientChainId, String granteeChainId, String controllerAddress, String digest,
            String signature) {
    }

    /** Signs {@code request} with its patient's custodial key; 404 for an unknown patient, 400 for a bad field. */
    public Signature sign(Consent request) {
        Patient patient = patients.findByIdOptional(request.patientId())
                .orElseThrow(() -> DomainException.notFound("No patient " + request.patientId() + "."));
        Party grantee = parties.findByIdOptional(request.granteeId())
                .filter(p -> GRANTEE_ROLES.contains(p.role))
                .orElseThrow(() -> DomainException.invalidField("granteeId", "is not a practitioner or clinic"));
        byte[] patientChainId = chain.chainId(patient.patientId);
        byte[] granteeChainId = chain.chainId(grantee.partyId);
        byte[] scopeHash = parseBytes32(request.scopeHash());
        BigInteger nonce = new BigInteger(request.nonce());
        byte[] digest = switch (request.kind()) {
            case GRANT -> {
                if (request.expiresAt() == null || request.expiresAt() <= 0) {
                    throw DomainException.invalidField("expiresAt", "is required for a grant");
                }
                yield typedData.grantDigest(patientChainId, granteeChainId, scopeHash, request.expiresAt(), nonce);
            }
            case REVOKE -> typedData.revokeDigest(patientChainId, granteeChainId, scopeHash, nonce);
        };
        ECKeyPair key = chain.unwrap(patient.patientId, patient.wrappedKey, patient.kekId);
        byte[] signature = ConsentTypedData.sign(digest, key);
        LOG.infof("signed a consent %s for patient %s", request.kind(), patient.patientId);
        return new Signature(hex(patientChainId), hex(granteeChainId), patient.controllerAddress, hex(digest),
                hex(signature));
    }

    private static byte[] parseBytes32(String hex) {
        String digits = hex.startsWith("0x") ? hex.substring(2) : hex;
        if (!digits.matches("[0-9a-fA-F]{64}")) {
            throw DomainException.invalidField("scopeHash", "must be 32 bytes of 0x hex");
        }
        return HexFormat.of().parseHex(digits);
    }

    private static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
