package health.ehr.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Locale;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.utils.Numeric;

/**
 * EIP-712 typed data of ConsentRegistry's {@code Grant} and {@code Revoke} (and of
 * {@code GrantRemote} / {@code RevokeRemote}, for a grantee of another organisation): the JSON a
 * wallet shows and signs, its digest, and the 65-byte signature the contract takes.
 *
 * <p>One instance per deployed ConsentRegistry (the domain is bound to the chain id and the
 * contract address). bytes32 values are exactly 32 bytes; the digests equal the contract's
 * {@code grantDigest}/{@code revokeDigest} (checked against the deployed contract in ContractsIT).
 */
public final class ConsentTypedData {

    /** EIP-712 domain name of ConsentRegistry. */
    public static final String DOMAIN_NAME = "EHR ConsentRegistry";
    /** EIP-712 domain version of ConsentRegistry. */
    public static final String DOMAIN_VERSION = "1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] DOMAIN_FIELDS = {
        {"name", "string"}, {"version", "string"}, {"chainId", "uint256"}, {"verifyingContract", "address"}};
    private static final String[][] GRANT_FIELDS = {
        {"patientId", "bytes32"}, {"granteeId", "bytes32"}, {"scopeHash", "bytes32"},
        {"expiresAt", "uint64"}, {"nonce", "uint256"}};
    private static final String[][] REVOKE_FIELDS = {
        {"patientId", "bytes32"}, {"granteeId", "bytes32"}, {"scopeHash", "bytes32"}, {"nonce", "uint256"}};
    private static final String[][] GRANT_REMOTE_FIELDS = {
        {"patientId", "bytes32"}, {"granteeOrganizationId", "bytes32"}, {"granteeId", "bytes32"},
        {"scopeHash", "bytes32"}, {"expiresAt", "uint64"}, {"nonce", "uint256"}};
    private static final String[][] REVOKE_REMOTE_FIELDS = {
        {"patientId", "bytes32"}, {"granteeOrganizationId", "bytes32"}, {"granteeId", "bytes32"},
        {"scopeHash", "bytes32"}, {"nonce", "uint256"}};

    private final long chainId;
    private final String verifyingContract;

    /**
     * @param chainId the chain the ConsentRegistry runs on
     * @param verifyingContract the ConsentRegistry's address (0x-prefixed hex, any case)
     */
    public ConsentTypedData(long chainId, String verifyingContract) {
        if (!Numeric.cleanHexPrefix(verifyingContract).matches("[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("not an address: " + verifyingContract);
        }
        this.chainId = chainId;
        this.verifyingContract = Numeric.prependHexPrefix(verifyingContract).toLowerCase(Locale.ROOT);
    }

    /** The typed-data JSON of a grant (as {@code eth_signTypedData_v4} takes it). */
    public String grantJson(byte[] patientId, byte[] granteeId, byte[] scopeHash, long expiresAt, BigInteger nonce) {
        if (expiresAt <= 0) {
            throw new IllegalArgumentException("expiresAt must be a positive unix time in seconds");
        }
        ObjectNode message = JSON.createObjectNode()
                .put("patientId", bytes32(patientId, "patientId"))
                .put("granteeId", bytes32(granteeId, "granteeId"))
                .put("scopeHash", bytes32(scopeHash, "scopeHash"))
                .put("expiresAt", Long.toString(expiresAt))
                .put("nonce", uint256(nonce));
        return typedData("Grant", GRANT_FIELDS, message);
    }

    /** The typed-data JSON of a revocation (as {@code eth_signTypedData_v4} takes it). */
    public String revokeJson(byte[] patientId, byte[] granteeId, byte[] scopeHash, BigInteger nonce) {
        ObjectNode message = JSON.createObjectNode()
                .put("patientId", bytes32(patientId, "patientId"))
                .put("granteeId", bytes32(granteeId, "granteeId"))
                .put("scopeHash", bytes32(scopeHash, "scopeHash"))
                .put("nonce", uint256(nonce));
        return typedData("Revoke", REVOKE_FIELDS, message);
    }

    /** The typed-data JSON of a grant to a party of another organisation ({@code GrantRemote}). */
    public String grantRemoteJson(byte[] patientId, byte[] granteeOrganizationId, byte[] granteeId, byte[] scopeHash,
            long expiresAt, BigInteger nonce) {
        if (expiresAt <= 0) {
            throw new IllegalArgumentException("expiresAt must be a positive unix time in seconds");
        }
        ObjectNode message = JSON.createObjectNode()
                .put("patientId", bytes32(patientId, "patientId"))
                .put("granteeOrganizationId", bytes32(granteeOrganizationId, "granteeOrganizationId"))
                .put("granteeId", bytes32(granteeId, "granteeId"))
                .put("scopeHash", bytes32(scopeHash, "scopeHash"))
                .put("expiresAt", Long.toString(expiresAt))
                .put("nonce", uint256(nonce));
        return typedData("GrantRemote", GRANT_REMOTE_FIELDS, message);
    }

    /** The typed-data JSON of revoking a grant to a party of another organisation ({@code RevokeRemote}). */
    public String revokeRemoteJson(byte[] patientId, byte[] granteeOrganizationId, byte[] granteeId,
            byte[] scopeHash, BigInteger nonce) {
        ObjectNode message = JSON.createObjectNode()
                .put("patientId", bytes32(patientId, "patientId"))
                .put("granteeOrganizationId", bytes32(granteeOrganizationId, "granteeOrganizationId"))
                .put("granteeId", bytes32(granteeId, "granteeId"))
                .put("scopeHash", bytes32(scopeHash, "scopeHash"))
                .put("nonce", uint256(nonce));
        return typedData("RevokeRemote", REVOKE_REMOTE_FIELDS, message);
    }

    /** The 32-byte digest the patient's controller signs for a remote grant. */
    public byte[] grantRemoteDigest(byte[] patientId, byte[] granteeOrganizationId, byte[] granteeId,
            byte[] scopeHash, long expiresAt, BigInteger nonce) {
        return digest(grantRemoteJson(patientId, granteeOrganizationId, granteeId, scopeHash, expiresAt, nonce));
    }

    /** The 32-byte digest the patient's controller signs for a remote revocation. */
    public byte[] revokeRemoteDigest(byte[] patientId, byte[] granteeOrganizationId, byte[] granteeId,
            byte[] scopeHash, BigInteger nonce) {
        return digest(revokeRemoteJson(patientId, granteeOrganizationId, granteeId, scopeHash, nonce));
    }

    /** The 32-byte digest the patient's controller signs for a grant. */
    public byte[] grantDigest(byte[] patientId, byte[] granteeId, byte[] scopeHash, long expiresAt, BigInteger nonce) {
        return digest(grantJson(patientId, granteeId, scopeHash, expiresAt, nonce));
    }

    /** The 32-byte digest the patient's controller signs for a revocation. */
    public byte[] revokeDigest(byte[] patientId, byte[] granteeId, byte[] scopeHash, BigInteger nonce) {
        return digest(revokeJson(patientId, granteeId, scopeHash, nonce));
    }

    /** The EIP-712 digest of any typed-data JSON, with web3j's encoder. */
    public static byte[] digest(String typedDataJson) {
        try {
            return new StructuredDataEncoder(typedDataJson).hashStructuredData();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Signs a digest as ConsentRegistry expects: r‖s‖v, 65 bytes, v 27 or 28, low s.
     * The digest is signed as it is (no Ethereum message prefix: EIP-712 has its own).
     */
    public static byte[] sign(byte[] digest, ECKeyPair keyPair) {
        requireLength(digest, 32, "digest");
        Sign.SignatureData signature = Sign.signMessage(digest, keyPair, false);
        byte[] out = new byte[65];
        System.arraycopy(signature.getR(), 0, out, 0, 32);
        System.arraycopy(signature.getS(), 0, out, 32, 32);
        out[64] = signature.getV()[0];
        return out;
    }

    /**
     * The address (lower-case, 0x-prefixed) that made a 65-byte r‖s‖v signature over a digest, as
     * ConsentRegistry would recover it; for checking a patient's wallet signature before relaying.
     */
    public static String recoverSigner(byte[] digest, byte[] signature) throws SignatureException {
        requireLength(digest, 32, "digest");
        requireLength(signature, 65, "signature");
        Sign.SignatureData data = new Sign.SignatureData(
                signature[64], Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64));
        return "0x" + Keys.getAddress(Sign.signedMessageHashToKey(digest, data));
    }

    private String typedData(String primaryType, String[][] fields, ObjectNode message) {
        // web3j skips a message field the type does not declare and hashes a missing one as zero,
        // silently giving another digest: the message must carry exactly the declared fields.
        if (message.size() != fields.length || !Arrays.stream(fields).allMatch(f -> message.has(f[0]))) {
            throw new IllegalStateException(primaryType + " message does not match its type: " + message);
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode types = root.putObject("types");
        // OpenZeppelin's EIP712 domain: these four fields, in this order.
        addFields(types.putArray("EIP712Domain"), DOMAIN_FIELDS);
        addFields(types.putArray(primaryType), fields);
        root.put("primaryType", primaryType);
        root.putObject("domain")
                .put("name", DOMAIN_NAME)
                .put("version", DOMAIN_VERSION)
                .put("chainId", chainId)
                .put("verifyingContract", verifyingContract);
        root.set("message", message);
        return root.toString();
    }

    private static void addFields(ArrayNode array, String[][] fields) {
        for (String[] field : fields) {
            array.addObject().put("name", field[0]).put("type", field[1]);
        }
    }

    private static String bytes32(byte[] value, String name) {
        requireLength(value, 32, name);
        return Numeric.toHexString(value);
    }

    private static String uint256(BigInteger value) {
        if (value == null || value.signum() < 0 || value.bitLength() > 256) {
            throw new IllegalArgumentException("nonce must be a uint256, was " + value);
        }
        return value.toString();
    }

    private static void requireLength(byte[] value, int length, String name) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException(
                    name + " must be " + length + " bytes, was " + (value == null ? "null" : value.length));
        }
    }
}
