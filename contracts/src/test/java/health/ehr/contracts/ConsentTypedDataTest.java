package health.ehr.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

class ConsentTypedDataTest {

    // The fixed vector shared with test/ConsentRegistry.t.sol (test_digestsOfTheFixedVectorMatchTheJavaEncoder),
    // where the contract itself computes these digests at this chain id and address.
    private static final ConsentTypedData FIXED =
            new ConsentTypedData(31337, "0x000000000000000000000000000000000000C0DE");
    private static final byte[] PATIENT = bytes32("0x1000000000000000000000000000000000000000000000000000000000000001");
    private static final byte[] GRANTEE = bytes32("0x2000000000000000000000000000000000000000000000000000000000000002");
    private static final byte[] SCOPE = bytes32("0x3000000000000000000000000000000000000000000000000000000000000003");
    private static final long EXPIRES_AT = 1_893_456_000L; // 2030-01-01T00:00:00Z

    @Test
    void grantDigestOfTheFixedVectorEqualsTheContractsDigest() {
        assertEquals("0x7194361d1b8bafa28573088f8957b83c3d54544155432e8365e6c82ecff9f3fd",
                Numeric.toHexString(FIXED.grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.valueOf(7))));
    }

    // Shared with test/ConsentRegistryRemote.t.sol (test_remoteDigestsOfTheFixedVectorMatchTheJavaEncoder).
    private static final byte[] ORGANIZATION =
            bytes32("0x4000000000000000000000000000000000000000000000000000000000000004");

    @Test
    void grantRemoteDigestOfTheFixedVectorEqualsTheContractsDigest() {
        assertEquals("0x09a00e7b2dede3f7ebcb27fdde1e34b006857c113dd9712cf0ffd47351a3c814",
                Numeric.toHexString(FIXED.grantRemoteDigest(
                        PATIENT, ORGANIZATION, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.valueOf(7))));
    }

    @Test
    void revokeRemoteDigestOfTheFixedVectorEqualsTheContractsDigest() {
        assertEquals("0xcef5d488e01a5f77c3ad6122a8373f8c2ba7b961d0172f48c46d0d23dec9073f",
                Numeric.toHexString(FIXED.revokeRemoteDigest(
                        PATIENT, ORGANIZATION, GRANTEE, SCOPE, BigInteger.valueOf(8))));
    }

    @Test
    void remoteDigestsDifferFromLocalOnesAndFromEachOrganisation() {
        byte[] local = FIXED.grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE);
        byte[] remote = FIXED.grantRemoteDigest(PATIENT, ORGANIZATION, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE);
        byte[] otherOrg = FIXED.grantRemoteDigest(PATIENT, GRANTEE, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE);
        assertNotEquals(Numeric.toHexString(local), Numeric.toHexString(remote));
        assertNotEquals(Numeric.toHexString(remote), Numeric.toHexString(otherOrg));
        assertThrows(IllegalArgumentException.class,
                () -> FIXED.grantRemoteJson(PATIENT, new byte[31], GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE));
    }

    @Test
    void revokeDigestOfTheFixedVectorEqualsTheContractsDigest() {
        assertEquals("0x93c1cfa48f83acba27024247c534e5e3dbb8ba3b545f9cfaf142ff2f80fca168",
                Numeric.toHexString(FIXED.revokeDigest(PATIENT, GRANTEE, SCOPE, BigInteger.valueOf(8))));
    }

    @Test
    void everySignedFieldChangesTheDigest() {
        byte[] base = FIXED.grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE);
        byte[] other = bytes32("0x4000000000000000000000000000000000000000000000000000000000000004");
        List<byte[]> variants = List.of(
                FIXED.grantDigest(other, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE),
                FIXED.grantDigest(PATIENT, other, SCOPE, EXPIRES_AT, BigInteger.ONE),
                FIXED.grantDigest(PATIENT, GRANTEE, other, EXPIRES_AT, BigInteger.ONE),
                FIXED.grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT + 1, BigInteger.ONE),
                FIXED.grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.TWO),
                new ConsentTypedData(1, "0x000000000000000000000000000000000000c0de")
                        .grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE),
                new ConsentTypedData(31337, "0x000000000000000000000000000000000000c0df")
                        .grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE),
                FIXED.revokeDigest(PATIENT, GRANTEE, SCOPE, BigInteger.ONE));
        for (byte[] variant : variants) {
            assertNotEquals(Numeric.toHexString(base), Numeric.toHexString(variant));
        }
    }

    @Test
    void typedDataJsonUsesOpenZeppelinsDomainOrderAndHexBytes32() throws Exception {
        JsonNode json = new ObjectMapper()
                .readTree(FIXED.grantJson(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE));
        assertEquals(List.of("name", "version", "chainId", "verifyingContract"),
                names(json.at("/types/EIP712Domain")));
        assertEquals(List.of("patientId", "granteeId", "scopeHash", "expiresAt", "nonce"),
                names(json.at("/types/Grant")));
        assertEquals("uint64", json.at("/types/Grant/3/type").asText());
        assertEquals("Grant", json.at("/primaryType").asText());
        assertEquals("EHR ConsentRegistry", json.at("/domain/name").asText());
        assertEquals("1", json.at("/domain/version").asText());
        assertEquals(31337, json.at("/domain/chainId").asLong());
        assertEquals("0x000000000000000000000000000000000000c0de", json.at("/domain/verifyingContract").asText());
        assertEquals("0x1000000000000000000000000000000000000000000000000000000000000001",
                json.at("/message/patientId").asText());
        JsonNode revoke = new ObjectMapper().readTree(FIXED.revokeJson(PATIENT, GRANTEE, SCOPE, BigInteger.ONE));
        assertEquals(List.of("patientId", "granteeId", "scopeHash", "nonce"), names(revoke.at("/types/Revoke")));
    }

    @Test
    void signatureIsRsvWithV27Or28AndRecoversToTheSigner() throws Exception {
        byte[] digest = FIXED.grantDigest(PATIENT, GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ZERO);
        for (int i = 0; i < 8; i++) {
            ECKeyPair key = Keys.createEcKeyPair();
            byte[] signature = ConsentTypedData.sign(digest, key);
            assertEquals(65, signature.length);
            assertTrue(signature[64] == 27 || signature[64] == 28, "v is 27 or 28");
            BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
            assertTrue(s.compareTo(HALF_ORDER) <= 0, "low s, as OpenZeppelin's ECDSA requires");
            assertEquals("0x" + Keys.getAddress(key), ConsentTypedData.recoverSigner(digest, signature));
        }
    }

    @Test
    void signingIsDeterministic() {
        byte[] digest = FIXED.revokeDigest(PATIENT, GRANTEE, SCOPE, BigInteger.ZERO);
        ECKeyPair key = ECKeyPair.create(BigInteger.valueOf(0xC0FFEE));
        assertArrayEquals(ConsentTypedData.sign(digest, key), ConsentTypedData.sign(digest, key));
    }

    @Test
    void malformedInputsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> FIXED.grantDigest(new byte[31], GRANTEE, SCOPE, EXPIRES_AT, BigInteger.ONE));
        assertThrows(IllegalArgumentException.class,
                () -> FIXED.grantDigest(PATIENT, GRANTEE, SCOPE, 0, BigInteger.ONE));
        assertThrows(IllegalArgumentException.class,
                () -> FIXED.revokeDigest(PATIENT, GRANTEE, SCOPE, BigInteger.valueOf(-1)));
        assertThrows(IllegalArgumentException.class, () -> new ConsentTypedData(1, "0x1234"));
        assertThrows(IllegalArgumentException.class,
                () -> ConsentTypedData.recoverSigner(new byte[32], new byte[64]));
    }

    private static final BigInteger HALF_ORDER =
            new BigInteger("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", 16);

    private static List<String> names(JsonNode fields) {
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.path("name").asText()));
        return names;
    }

    private static byte[] bytes32(String hex) {
        return Numeric.hexStringToByteArray(hex);
    }
}
