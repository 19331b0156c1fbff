package health.ehr.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.web3j.crypto.Hash;

/**
 * The ids of the exchange network that every installation computes the same way: an organisation's
 * id in OrganizationRegistry, and the on-chain id of a party of another organisation named by a
 * remote consent (ConsentRegistry's {@code grantRemoteWithSig}).
 *
 * <p>A remote grantee's id is {@code keccak256(abi.encode(bytes32 organizationId, uint128 partyUuid))}:
 * the organisation id, then the party's UUID as a 128-bit big-endian number left-padded with zeros
 * to 32 bytes. The granting installation knows only the organisation and the party's UUID (from the
 * other installation's directory); the grantee's installation recomputes it for its own parties and
 * so tells which of them a consent on the chain names. It carries nothing but those two random ids
 * (no name, no e-mail); a member that knows the UUID can link it, which the directory allows anyway.
 */
public final class NetworkIds {

    private NetworkIds() {
    }

    /** An organisation's id: keccak256 of its agreed name in UTF-8 (e.g. {@code "hospital-a"}). */
    public static byte[] organizationId(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an organisation name must not be blank");
        }
        return Hash.sha3(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The on-chain id of {@code partyId} of organisation {@code organizationId} (32 bytes), see the class notes. */
    public static byte[] remoteGranteeId(byte[] organizationId, UUID partyId) {
        if (organizationId == null || organizationId.length != 32) {
            throw new IllegalArgumentException("organizationId must be 32 bytes");
        }
        ByteBuffer encoded = ByteBuffer.allocate(64);
        encoded.put(organizationId);
        encoded.position(48); // uint128 in a 32-byte word: 16 zero bytes, then the UUID's 16 bytes
        encoded.putLong(partyId.getMostSignificantBits());
        encoded.putLong(partyId.getLeastSignificantBits());
        return Hash.sha3(encoded.array());
    }
}
