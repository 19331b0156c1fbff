package health.ehr.consent.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.consent.Consent;
import health.ehr.consent.ConsentStatus;
import health.ehr.consent.client.ConsentChain;
import health.ehr.consent.client.IdentityApi.Party;
import health.ehr.consent.client.IdentityApi.Signature;
import health.ehr.consent.client.IdentityApi.SigningRequest;
import health.ehr.consent.client.IdentityDirectory;
import health.ehr.consent.client.IdentityUnavailableException;
import health.ehr.consent.config.ConsentConfig;
import health.ehr.consent.repository.ConsentRepository;
import health.ehr.contracts.ConsentTypedData;
import health.ehr.contracts.NetworkIds;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.events.consent.ConsentRequested;
import health.ehr.events.consent.ConsentScope;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.math.BigInteger;
import java.security.SignatureException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Consent requests and revocations: validates them, has them signed (custodial key through
 * identity-service, or the patient's wallet signature checked off chain), hands out the nonce and
 * writes the consent, its events and its chain command in one transaction. The chain's answer comes
 * back through {@link ConsentMirror} and {@link ChainFailures}.
 */
@ApplicationScoped
public class ConsentService {

    private static final Logger LOG = Logger.getLogger(ConsentService.class);
    private static final Set<String> GRANTEE_ROLES = Set.of("practitioner", "clinic");
    /** Half the secp256k1 group order: ConsentRegistry (OpenZeppelin ECDSA) refuses a larger s. */
    private static final BigInteger HALF_N = Sign.CURVE_PARAMS.getN().shiftRight(1);

    private final ConsentRepository consents;
    private final IdentityDirectory identity;
    private final ConsentChain chain;
    private final NonceAllocator nonces;
    private final ConsentState state;
    private final OutboxWriter outbox;
    private final ConsentConfig config;
    private final ObjectMapper json;

    public ConsentService(ConsentRepository consents, IdentityDirectory identity, ConsentChain chain,
            NonceAllocator nonces, ConsentState state, OutboxWriter outbox, ConsentConfig config, ObjectMapper json) {
        this.consents = consents;
        this.identity = identity;
        this.chain = chain;
        this.nonces = nonces;
        this.state = state;
        this.outbox = outbox;
        this.config = config;
        this.json = json;
    }

    /**
     * The parts of a grant that are checked before any lock is taken; {@code organization} is the
     * grantee's organisation when it is another installation, else null.
     */
    private record PreparedGrant(Party patient, Party grantee, ConsentScope scope, String scopeHash,
            Instant expiresAt, Optional<String> onChainController, String organization) {

        byte[] digest(ConsentTypedData typed, long nonce) {
            long expiry = expiresAt.getEpochSecond();
            BigInteger n = BigInteger.valueOf(nonce);
            return organization == null
                    ? typed.grantDigest(bytes32(patient.chainId()), bytes32(grantee.chainId()), bytes32(scopeHash),
                            expiry, n)
                    : typed.grantRemoteDigest(bytes32(patient.chainId()), bytes32(organization),
                            bytes32(grantee.chainId()), bytes32(scopeHash), expiry, n);
        }

        String json(ConsentTypedData typed, long nonce) {
            long expiry = expiresAt.getEpochSecond();
            BigInteger n = BigInteger.valueOf(nonce);
            return organization == null
                    ? typed.grantJson(bytes32(patient.chainId()), bytes32(grantee.chainId()), bytes32(scopeHash),
                            expiry, n)
                    : typed.grantRemoteJson(bytes32(patient.chainId()), bytes32(organization),
                            bytes32(grantee.chainId()), bytes32(scopeHash), expiry, n);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Grant
    // ------------------------------------------------------------------------------------------

    /** A patient's new consent: PENDING, with ConsentRequested and a GrantConsent command in the outbox. */
    public Consent create(UUID patientId, GrantRequest request) {
        PreparedGrant grant = prepare(patientId, request);
        return QuarkusTransaction.requiringNew().call(() -> {
            long nonce = nonces.allocate(patientId, grant.patient().chainId());
            if (consents.liveExists(patientId, request.granteeId(), grant.scopeHash())) {
                throw DomainException.conflict("The patient already has a pending or active consent for this grantee"
                        + " and scope; revoke it before granting it again.");
            }
            requireNonce(request.nonce(), nonce);
            long expiry = grant.expiresAt().getEpochSecond();
            byte[] digest = grant.digest(chain.typedData(), nonce);
            String signature;
            Consent.SignedBy signedBy;
            if (request.signature() != null) {
                signature = verifyWallet(digest, request.signature(), grant.patient(), grant.onChainController());
                signedBy = Consent.SignedBy.WALLET;
            } else {
                signature = custodial(new SigningRequest("GRANT", patientId, request.granteeId(), grant.scopeHash(),
                        expiry, Long.toString(nonce), grant.organization()), digest, grant.patient(), grant.grantee(),
                        grant.onChainController());
                signedBy = Consent.SignedBy.CUSTODIAL;
            }
            Instant now = Instant.now();
            Consent consent = new Consent();
            consent.consentId = UUID.randomUUID();
            consent.patientId = patientId;
            consent.granteeId = request.granteeId();
            consent.scope = write(grant.scope());
            consent.scopeHash = grant.scopeHash();
            consent.purpose = request.purpose().strip();
            consent.expiresAt = grant.expiresAt();
            consent.status = ConsentStatus.PENDING;
            consent.patientChainId = lower(grant.patient().chainId());
            consent.granteeChainId = lower(grant.grantee().chainId());
            consent.granteeOrganizationId = grant.organization();
            consent.grantNonce = nonce;
            consent.grantCommandId = UUID.randomUUID();
            consent.signedBy = signedBy;
            consent.createdAt = now;
            consent.updatedAt = now;
            consents.persist(consent);
            consents.addCoverage(consent, Scopes.coverage(grant.scope()));
            outbox.append(new ConsentRequested(consent.consentId, patientId, consent.granteeId, grant.scope(),
                    consent.purpose, consent.expiresAt));
            outbox.append(new GrantConsent(consent.grantCommandId, consent.consentId, patientId,
                    consent.patientChainId, consent.granteeChainId, consent.scopeHash, expiry, Long.toString(nonce),
                    signature, consent.granteeOrganizationId));
            LOG.infof("consent %s requested (patient %s, nonce %d, %s signature%s)", consent.consentId, patientId,
                    nonce, signedBy.name().toLowerCase(Locale.ROOT),
                    consent.granteeOrganizationId == null ? "" : ", grantee of " + consent.granteeOrganizationId);
            return consent;
        });
    }

    /** The typed data the patient's wallet signs for this grant, with the nonce it must name. */
    public SigningPayload grantTypedData(UUID patientId, GrantRequest request) {
        PreparedGrant grant = prepare(patientId, request);
        long nonce = nonces.peek(patientId, grant.patient().chainId());
        long expiry = grant.expiresAt().getEpochSecond();
        ConsentTypedData typed = chain.typedData();
        return new SigningPayload("GRANT", lower(grant.patient().chainId()), lower(grant.grantee().chainId()),
                grant.scopeHash(), expiry, Long.toString(nonce), hex(grant.digest(typed, nonce)),
                grant.json(typed, nonce), grant.organization());
    }

    private PreparedGrant prepare(UUID patientId, GrantRequest request) {
        requireChain();
        Instant expiresAt = request.expiresAt().truncatedTo(ChronoUnit.SECONDS);
        if (!expiresAt.isAfter(Instant.now())) {
            throw DomainException.invalidField("expiresAt", "must be in the future");
        }
        ConsentScope scope = Scopes.normalise(request.categories(), request.recordIds(), request.all(),
                config.maxRecordIds());
        String organization = remoteOrganization(request.granteeOrganizationId());
        Party grantee;
        if (organization == null) {
            grantee = identity.party(request.granteeId())
                    .filter(p -> GRANTEE_ROLES.contains(p.role()) && p.chainId() != null)
                    .orElseThrow(() -> DomainException.invalidField("granteeId",
                            "is not a registered practitioner or clinic"));
        } else {
            // A party of another installation: its directory, not identity-service, knows it. The chain
            // names it by an id its own installation recomputes (NetworkIds.remoteGranteeId).
            grantee = new Party(request.granteeId(), null, null, null, null,
                    hex(NetworkIds.remoteGranteeId(bytes32(organization), request.granteeId())), null);
        }
        Party patient = patientParty(patientId);
        return new PreparedGrant(patient, grantee, scope, Scopes.hash(scope), expiresAt,
                chain.controllerOf(patient.chainId()), organization);
    }

    /**
     * The grantee's organisation when the request names another installation (an ACTIVE member of the
     * network), else null: omitted, or this installation's own id. 400 with a field error otherwise.
     */
    private String remoteOrganization(String given) {
        if (given == null) {
            return null;
        }
        String organization = lower(given);
        if (chain.organizationId().filter(organization::equals).isPresent()) {
            return null;
        }
        if (!chain.networkConfigured()) {
            throw DomainException.invalidField("granteeOrganizationId",
                    "names another organisation, but this installation belongs to no exchange network");
        }
        return switch (chain.memberStatus(organization)) {
            case ACTIVE -> organization;
            case SUSPENDED -> throw DomainException.invalidField("granteeOrganizationId",
                    "is suspended from the exchange network");
            case UNKNOWN -> throw DomainException.invalidField("granteeOrganizationId",
                    "is not a member of the exchange network");
        };
    }

    // ------------------------------------------------------------------------------------------
    // Revoke
    // ------------------------------------------------------------------------------------------

    /**
     * Revokes an ACTIVE consent of the patient: REVOKING (it no longer permits reads), with a
     * RevokeConsent command in the outbox. Asking again while REVOKING answers the same consent.
     * A PENDING consent cannot be revoked yet (its grant is on its way; a revocation before it
     * would be refused by the chain): 409, try again once it is ACTIVE.
     */
    public Consent revoke(UUID patientId, UUID consentId, String walletSignature, String walletNonce) {
        Consent existing = ownConsent(patientId, consentId);
        if (existing.status == ConsentStatus.REVOKING) {
            return existing;
        }
        requireRevocable(existing);
        requireChain();
        Party patient = patientParty(patientId);
        Optional<String> onChainController = chain.controllerOf(existing.patientChainId);
        return QuarkusTransaction.requiringNew().call(() -> {
            Consent consent = consents.lock(consentId).orElseThrow(() -> DomainException.notFound(notFound(consentId)));
            if (consent.status == ConsentStatus.REVOKING) {
                return consent;
            }
            requireRevocable(consent);
            long nonce = nonces.allocate(patientId, consent.patientChainId);
            requireNonce(walletNonce, nonce);
            byte[] digest = revokeDigest(chain.typedData(), consent, nonce);
            String signature;
            if (walletSignature != null) {
                signature = verifyWallet(digest, walletSignature, patient, onChainController);
            } else {
                Party grantee = new Party(consent.granteeId, null, null, null, null, consent.granteeChainId, null);
                signature = custodial(new SigningRequest("REVOKE", patientId, consent.granteeId, consent.scopeHash,
                        null, Long.toString(nonce), consent.granteeOrganizationId), digest, patient, grantee,
                        onChainController);
            }
            Instant now = Instant.now();
            consent.revokeNonce = nonce;
            consent.revokeCommandId = UUID.randomUUID();
            consent.revokeRequestedAt = now;
            consent.failureKind = null;
            consent.failureReason = null;
            state.update(consent, now);
            outbox.append(new RevokeConsent(consent.revokeCommandId, consent.consentId, patientId,
                    consent.patientChainId, consent.granteeChainId, consent.scopeHash, Long.toString(nonce),
                    signature, consent.granteeOrganizationId));
            LOG.infof("consent %s: revocation requested (nonce %d)", consentId, nonce);
            return consent;
        });
    }

    /** The typed data the patient's wallet signs to revoke this consent, with the nonce it must name. */
    public SigningPayload revokeTypedData(UUID patientId, UUID consentId) {
        Consent consent = ownConsent(patientId, consentId);
        requireRevocable(consent);
        requireChain();
        long nonce = nonces.peek(patientId, consent.patientChainId);
        ConsentTypedData typed = chain.typedData();
        byte[] patient = bytes32(consent.patientChainId);
        byte[] grantee = bytes32(consent.granteeChainId);
        byte[] scope = bytes32(consent.scopeHash);
        BigInteger n = BigInteger.valueOf(nonce);
        String json = consent.granteeOrganizationId == null ? typed.revokeJson(patient, grantee, scope, n)
                : typed.revokeRemoteJson(patient, bytes32(consent.granteeOrganizationId), grantee, scope, n);
        return new SigningPayload("REVOKE", consent.patientChainId, consent.granteeChainId, consent.scopeHash, null,
                Long.toString(nonce), hex(revokeDigest(typed, consent, nonce)), json, consent.granteeOrganizationId);
    }

    /** The Revoke (or, for a grantee of another organisation, RevokeRemote) digest of a consent. */
    private static byte[] revokeDigest(ConsentTypedData typed, Consent consent, long nonce) {
        BigInteger n = BigInteger.valueOf(nonce);
        return consent.granteeOrganizationId == null
                ? typed.revokeDigest(bytes32(consent.patientChainId), bytes32(consent.granteeChainId),
                        bytes32(consent.scopeHash), n)
                : typed.revokeRemoteDigest(bytes32(consent.patientChainId), bytes32(consent.granteeOrganizationId),
                        bytes32(consent.granteeChainId), bytes32(consent.scopeHash), n);
    }

    private Consent ownConsent(UUID patientId, UUID consentId) {
        Consent consent = consents.findByIdOptional(consentId)
                .orElseThrow(() -> DomainException.notFound(notFound(consentId)));
        if (!consent.patientId.equals(patientId)) {
            if (consent.granteeId.equals(patientId)) {
                throw DomainException.forbidden("Only the patient may revoke a consent.");
            }
            throw DomainException.notFound(notFound(consentId));
        }
        return consent;
    }

    private static void requireRevocable(Consent consent) {
        switch (consent.status) {
            case ACTIVE, REVOKING -> {
            }
            case PENDING -> throw DomainException.conflict("The consent is still on its way to the chain (PENDING);"
                    + " it can be revoked once it is ACTIVE.");
            default -> throw DomainException.conflict("A " + consent.status + " consent cannot be revoked.");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reads
    // ------------------------------------------------------------------------------------------

    /**
     * A consent, for its patient or its grantee; 404 for everyone else (docs/api.md), administrators
     * included: they see a party's consents through the list, which names the party.
     */
    public Consent get(UUID callerId, UUID consentId) {
        Consent consent = consents.findByIdOptional(consentId)
                .orElseThrow(() -> DomainException.notFound(notFound(consentId)));
        if (!consent.patientId.equals(callerId) && !consent.granteeId.equals(callerId)) {
            throw DomainException.notFound(notFound(consentId));
        }
        return consent;
    }

    /** The consents of one patient or one grantee (exactly one given); only that party or an administrator. */
    public Page<Consent> list(UUID callerId, boolean admin, UUID patientId, UUID granteeId, PageRequest page) {
        if ((patientId == null) == (granteeId == null)) {
            throw DomainException.invalidField(patientId == null ? "patientId" : "granteeId",
                    "give exactly one of patientId and granteeId");
        }
        UUID party = patientId != null ? patientId : granteeId;
        if (!admin && !party.equals(callerId)) {
            throw DomainException.forbidden("Only the party itself or an administrator may list its consents.");
        }
        return patientId != null ? consents.pageOfPatient(patientId, page) : consents.pageOfGrantee(granteeId, page);
    }

    // ------------------------------------------------------------------------------------------
    // Signatures
    // ------------------------------------------------------------------------------------------

    /**
     * Checks a wallet signature off chain, as ConsentRegistry will: r‖s‖v with v 27/28 and low s,
     * made by the patient's controller. The controller is PatientRegistry's (what the contract
     * checks; the patient may have handed control to their own wallet there), or identity-service's
     * custodial address while the patient is not registered on chain yet.
     */
    private String verifyWallet(byte[] digest, String signatureHex, Party patient, Optional<String> onChainController) {
        byte[] signature = Numeric.hexStringToByteArray(signatureHex);
        int v = signature[64] & 0xff;
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if ((v != 27 && v != 28) || s.compareTo(HALF_N) > 0) {
            throw DomainException.invalidField("signature", "must be r||s||v with v 27 or 28 and a low s");
        }
        String signer;
        try {
            signer = ConsentTypedData.recoverSigner(digest, signature);
        } catch (SignatureException | RuntimeException e) {
            throw DomainException.invalidField("signature", "is not a valid signature of this consent");
        }
        String controller = onChainController.orElse(lower(patient.controllerAddress()));
        if (controller == null || !controller.equals(signer)) {
            throw DomainException.invalidField("signature",
                    "was not made by the patient's controller over this consent and nonce");
        }
        return "0x" + HexFormat.of().formatHex(signature);
    }

    /** A custodial signature from identity-service, checked before it is relayed. */
    private String custodial(SigningRequest request, byte[] digest, Party patient, Party grantee,
            Optional<String> onChainController) {
        String custodialAddress = lower(patient.controllerAddress());
        if (onChainController.isPresent() && !onChainController.get().equals(custodialAddress)) {
            throw DomainException.conflict("The patient's consents are signed by their own wallet ("
                    + onChainController.get() + "); send that wallet's signature in 'signature'.");
        }
        Signature answer = identity.sign(request);
        if (!lower(patient.chainId()).equals(lower(answer.patientChainId()))
                || !lower(grantee.chainId()).equals(lower(answer.granteeChainId()))) {
            throw new IdentityUnavailableException("identity-service signed for other chain ids");
        }
        try {
            String signer = ConsentTypedData.recoverSigner(bytes32(answer.digest()),
                    Numeric.hexStringToByteArray(answer.signature()));
            if (!signer.equals(lower(answer.controllerAddress()))) {
                throw new IdentityUnavailableException("identity-service's signature is not its controller's");
            }
        } catch (SignatureException | RuntimeException e) {
            if (e instanceof IdentityUnavailableException known) {
                throw known;
            }
            throw new IdentityUnavailableException("identity-service answered an unusable signature", e);
        }
        if (!hex(digest).equals(lower(answer.digest()))) {
            // identity-service builds the typed data from its own EHR_CHAIN_ID/EHR_CONTRACTS_CONSENT_REGISTRY;
            // when they differ from ours the chain refuses the signature and the consent turns FAILED.
            LOG.warnf("identity-service signed digest %s, consent-service expects %s: the two services are"
                    + " configured for different ConsentRegistry domains", answer.digest(), hex(digest));
        }
        return lower(answer.signature());
    }

    // ------------------------------------------------------------------------------------------

    private Party patientParty(UUID patientId) {
        return identity.party(patientId)
                .filter(p -> "patient".equals(p.role()) && p.chainId() != null)
                .orElseThrow(() -> new DomainException(Response.Status.CONFLICT, "patient-not-registered",
                        "The caller is not registered as a patient with identity-service."));
    }

    private void requireChain() {
        if (!chain.configured()) {
            throw new DomainException(Response.Status.SERVICE_UNAVAILABLE, "chain-unavailable",
                    "No ConsentRegistry is configured; consents cannot be granted or revoked.");
        }
    }

    private static void requireNonce(String given, long allocated) {
        if (given != null && !given.equals(Long.toString(allocated))) {
            throw new DomainException(Response.Status.CONFLICT, "nonce-moved", "The signature names nonce " + given
                    + " but the patient's next nonce is " + allocated + "; sign the consent again with that nonce.");
        }
    }

    private String write(ConsentScope scope) {
        try {
            return json.writeValueAsString(scope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String notFound(UUID consentId) {
        return "No consent " + consentId + ".";
    }

    private static byte[] bytes32(String hex) {
        byte[] bytes = Numeric.hexStringToByteArray(hex);
        if (bytes.length != 32) {
            throw new IllegalArgumentException("not 32 bytes: " + hex);
        }
        return bytes;
    }

    private static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
