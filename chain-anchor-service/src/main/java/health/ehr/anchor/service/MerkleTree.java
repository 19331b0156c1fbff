package health.ehr.anchor.service;

import health.ehr.events.Ids;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The Merkle tree of one anchor batch, exactly as the public API defines it, so that anyone can
 * recompute a root from a record, its proof and nothing else:
 * <ul>
 * <li>leaf = {@code sha256(0x00 || recordId as 16 bytes || sha256 of the content)};</li>
 * <li>inner node = {@code sha256(0x01 || left || right)};</li>
 * <li>a level with an odd number of nodes promotes its last node unchanged to the next level (it
 * is neither duplicated nor hashed alone), so that no two different leaf lists share a root and the
 * proof of a promoted node simply has no step at that level.</li>
 * </ul>
 * The domain prefixes keep a leaf from ever being mistaken for an inner node.
 */
public final class MerkleTree {

    private static final byte LEAF = 0x00;
    private static final byte NODE = 0x01;
    private static final HexFormat HEX = HexFormat.of();

    /** Where a proof step's sibling sits relative to the running hash. */
    public enum Position {
        LEFT, RIGHT;

        /** The API's spelling: {@code left} or {@code right}. */
        public String apiValue() {
            return this == LEFT ? "left" : "right";
        }
    }

    /** One step of a proof: the sibling hash and its side. */
    public record ProofStep(Position position, byte[] hash) {

        public ProofStep {
            Objects.requireNonNull(position);
            if (hash == null || hash.length != 32) {
                throw new IllegalArgumentException("a proof hash is 32 bytes");
            }
        }

        /** The hash as lower-case 0x hex. */
        public String hex() {
            return toHex(hash);
        }
    }

    private final List<byte[][]> levels;

    private MerkleTree(List<byte[][]> levels) {
        this.levels = levels;
    }

    /** Builds the tree over {@code leaves} (each 32 bytes, in batch order); at least one leaf. */
    public static MerkleTree build(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
        }
        MessageDigest sha = sha256();
        List<byte[][]> levels = new ArrayList<>();
        byte[][] level = leaves.toArray(new byte[0][]);
        levels.add(level);
        while (level.length > 1) {
            byte[][] next = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < level.length / 2; i++) {
                next[i] = node(sha, level[2 * i], level[2 * i + 1]);
            }
            if (level.length % 2 == 1) {
                next[next.length - 1] = level[level.length - 1];
            }
            levels.add(next);
            level = next;
        }
        return new MerkleTree(levels);
    }

    /** The leaf hash of a record: {@code sha256(0x00 || recordId || contentSha256)}. */
    public static byte[] leaf(UUID recordId, byte[] contentSha256) {
        if (contentSha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 is 32 bytes");
        }
        MessageDigest sha = sha256();
        sha.update(LEAF);
        sha.update(Ids.bytes(recordId));
        return sha.digest(contentSha256);
    }

    /** The leaves, concatenated (32 bytes each, in order): how a closed batch stores them. */
    public byte[] leafBytes() {
        byte[][] leaves = levels.get(0);
        byte[] all = new byte[leaves.length * 32];
        for (int i = 0; i < leaves.length; i++) {
            System.arraycopy(leaves[i], 0, all, i * 32, 32);
        }
        return all;
    }

    /** The inverse of {@link #leafBytes()}. */
    public static List<byte[]> split(byte[] leafBytes) {
        if (leafBytes.length % 32 != 0) {
            throw new IllegalArgumentException("not a list of 32-byte leaves");
        }
        List<byte[]> leaves = new ArrayList<>(leafBytes.length / 32);
        for (int at = 0; at < leafBytes.length; at += 32) {
            leaves.add(Arrays.copyOfRange(leafBytes, at, at + 32));
        }
        return leaves;
    }

    /** The index of {@code leaf} among the leaves, or -1. */
    public int indexOf(byte[] leaf) {
        byte[][] leaves = levels.get(0);
        for (int i = 0; i < leaves.length; i++) {
            if (Arrays.equals(leaves[i], leaf)) {
                return i;
            }
        }
        return -1;
    }

    /** The root: what AnchorRegistry stores. */
    public byte[] root() {
        return levels.get(levels.size() - 1)[0].clone();
    }

    public int leafCount() {
        return levels.get(0).length;
    }

    /** The proof of the leaf at {@code index}: sibling hashes from the leaf level up. */
    public List<ProofStep> proof(int index) {
        Objects.checkIndex(index, leafCount());
        List<ProofStep> steps = new ArrayList<>(levels.size());
        int i = index;
        for (int l = 0; l < levels.size() - 1; l++) {
            byte[][] level = levels.get(l);
            int sibling = i ^ 1;
            if (sibling < level.length) {
                steps.add(new ProofStep(sibling < i ? Position.LEFT : Position.RIGHT, level[sibling]));
            }
            i /= 2;
        }
        return steps;
    }

    /** Folds a proof from a leaf to the root it implies. */
    public static byte[] fold(byte[] leaf, List<ProofStep> proof) {
        MessageDigest sha = sha256();
        byte[] hash = leaf;
        for (ProofStep step : proof) {
            hash = step.position() == Position.LEFT ? node(sha, step.hash(), hash) : node(sha, hash, step.hash());
        }
        return hash;
    }

    /** Whether {@code proof} takes {@code leaf} to {@code root}. */
    public static boolean verify(byte[] leaf, List<ProofStep> proof, byte[] root) {
        return MessageDigest.isEqual(fold(leaf, proof), root);
    }

    /** Lower-case {@code 0x} hex, the API's form of every hash. */
    public static String toHex(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }

    /** Parses {@code 0x}-prefixed (or bare) hex of a 32-byte hash. */
    public static byte[] fromHex(String hex) {
        String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        if (digits.length() != 64) {
            throw new IllegalArgumentException("a hash is 32 bytes of hex");
        }
        return HEX.parseHex(digits.toLowerCase());
    }

    private static byte[] node(MessageDigest sha, byte[] left, byte[] right) {
        sha.update(NODE);
        sha.update(left);
        return sha.digest(right);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
