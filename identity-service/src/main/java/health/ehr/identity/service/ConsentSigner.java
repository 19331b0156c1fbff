package health.ehr.identity.service;

import health.ehr.contracts.ConsentTypedData;
import health.ehr.contracts.NetworkIds;
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
 * A grantee of another installation (a {@code granteeOrganizationId} is given) is signed as
 * {@code GrantRemote} / {@code RevokeRemote}; its chain id is not this installation's keyed hash but
 * {@link NetworkIds#remoteGranteeId}, which the grantee's installation recomputes.
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

    /**
     * The fields of a Grant or Revoke ({@code expiresAt} for a grant only); the chain ids are derived here.
     * {@code granteeOrganizationId} (0x bytes32) names the grantee's organisation when it is another
     * installation, else null.
     */
    public record Consent(Kind kind, UUID patientId, UUID granteeId, String scopeHash, Long expiresAt, String nonce,
            String granteeOrganizationId) {

        /** A consent for a party of this installation. */
        public Consent(Kind kind, UUID patientId, UUID granteeId, String scopeHash, Long expiresAt, String nonce) {
            this(kind, patientId, granteeId, scopeHash, expiresAt, nonce, null);
        }
    }

    /** The signature (65 bytes r‖s‖v) and what it was computed over, all 0x hex. */
    public record Signature(String patientChainId, String granteeChainId, String controllerAddress, String digest,
            String signature) {
    }

    /** Signs {@code request} with its patient's custodial key; 404 for an unknown patient, 400 for a bad field. */
    public Signature sign(Consent request) {
        Patient patient = patients.findByIdOptional(request.patientId())
                .orElseThrow(() -> DomainException.notFound("No patient " + request.patientId() + "."));
        byte[] organization = request.granteeOrganizationId() == null ? null
                : parseBytes32(request.granteeOrganizationId(), "granteeOrganizationId");
        byte[] granteeChainId;
        if (organization == null) {
            Party grantee = parties.findByIdOptional(request.granteeId())
                    .filter(p -> GRANTEE_ROLES.contains(p.role))
                    .orElseThrow(() -> DomainException.invalidField("granteeId", "is not a practitioner or clinic"));
            granteeChainId = chain.chainId(grantee.partyId);
        } else {
            // A party of another installation: unknown here by design; consent-service checked its organisation.
            granteeChainId = NetworkIds.remoteGranteeId(organization, request.granteeId());
        }
        byte[] patientChainId = chain.chainId(patient.patientId);
        byte[] scopeHash = parseBytes32(request.scopeHash(), "scopeHash");
        BigInteger nonce = new BigInteger(request.nonce());
        byte[] digest = switch (request.kind()) {
            case GRANT -> {
                if (request.expiresAt() == null || request.expiresAt() <= 0) {
                    throw DomainException.invalidField("expiresAt", "is required for a grant");
                }
                yield organization == null
                        ? typedData.grantDigest(patientChainId, granteeChainId, scopeHash, request.expiresAt(), nonce)
                        : typedData.grantRemoteDigest(patientChainId, organization, granteeChainId, scopeHash,
                                request.expiresAt(), nonce);
            }
            case REVOKE -> organization == null
                    ? typedData.revokeDigest(patientChainId, granteeChainId, scopeHash, nonce)
                    : typedData.revokeRemoteDigest(patientChainId, organization, granteeChainId, scopeHash, nonce);
        };
        ECKeyPair key = chain.unwrap(patient.patientId, patient.wrappedKey, patient.kekId);
        byte[] signature = ConsentTypedData.sign(digest, key);
        LOG.infof("signed a consent %s for patient %s%s", request.kind(), patient.patientId,
                organization == null ? "" : " (grantee of another organisation)");
        return new Signature(hex(patientChainId), hex(granteeChainId), patient.controllerAddress, hex(digest),
                hex(signature));
    }

    private static byte[] parseBytes32(String hex, String field) {
        String digits = hex.startsWith("0x") ? hex.substring(2) : hex;
        if (!digits.matches("[0-9a-fA-F]{64}")) {
            throw DomainException.invalidField(field, "must be 32 bytes of 0x hex");
        }
        return HexFormat.of().parseHex(digits);
    }

    private static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
