package health.ehr.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.events.Ids;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

/** A record's Merkle leaf and the fold of its proof to a root, as docs/api.md defines them. */
final class MerkleProofs {

    private MerkleProofs() {
    }

    /** sha256(0x00 || recordId as 16 bytes || sha256 of the content), docs/api.md's leaf. */
    static String leaf(String recordId, byte[] content) {
        try {
            UUID id = UUID.fromString(recordId);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) 0x00);
            sha.update(Ids.bytes(id));
            return "0x" + HexFormat.of().formatHex(sha.digest(MessageDigest.getInstance("SHA-256")
                    .digest(content)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The root a proof ({@code proof: [{hash, position}]}) folds the leaf to: sha256(0x01 || left || right). */
    static String fold(String leaf, JsonNode proof) {
        try {
            byte[] node = HexFormat.of().parseHex(leaf.substring(2));
            for (JsonNode step : proof.get("proof")) {
                byte[] sibling = HexFormat.of().parseHex(step.get("hash").asText().substring(2));
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update((byte) 0x01);
                boolean left = "left".equals(step.get("position").asText());
                sha.update(left ? sibling : node);
                node = sha.digest(left ? node : sibling);
            }
            return "0x" + HexFormat.of().formatHex(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
