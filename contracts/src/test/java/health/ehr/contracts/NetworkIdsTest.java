package health.ehr.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

class NetworkIdsTest {

    private static final UUID PARTY = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");

    @Test
    void organizationIdIsKeccakOfTheName() {
        assertEquals(Numeric.toHexString(Hash.sha3("hospital-a".getBytes())),
                Numeric.toHexString(NetworkIds.organizationId("hospital-a")));
        assertThrows(IllegalArgumentException.class, () -> NetworkIds.organizationId(" "));
    }

    // The same vector as test/ConsentRegistryRemote.t.sol (test_remoteGranteeIdOfTheFixedVector), where
    // Solidity computes keccak256(abi.encode(bytes32 organizationId, uint128 uuid)).
    @Test
    void remoteGranteeIdOfTheFixedVectorEqualsSoliditysAbiEncoding() {
        assertEquals("0x80c2245afc69e08a8734bc6e72da86d7ca940d5160aac5dfed0d6bf387a9c98d",
                Numeric.toHexString(NetworkIds.remoteGranteeId(NetworkIds.organizationId("hospital-b"), PARTY)));
    }

    @Test
    void remoteGranteeIdDependsOnTheOrganisation() {
        assertNotEquals(Numeric.toHexString(NetworkIds.remoteGranteeId(NetworkIds.organizationId("a"), PARTY)),
                Numeric.toHexString(NetworkIds.remoteGranteeId(NetworkIds.organizationId("b"), PARTY)));
        assertThrows(IllegalArgumentException.class, () -> NetworkIds.remoteGranteeId(new byte[31], PARTY));
    }
}
