package health.ehr.anchor.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.service.MerkleTree.Position;
import health.ehr.anchor.service.MerkleTree.ProofStep;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    @Test
    void theLeafIsSha256OfZeroByteRecordIdAndContentHash() throws Exception {
        UUID recordId = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        byte[] content = sha("hello".getBytes(StandardCharsets.UTF_8));
        byte[] expectedInput = HexFormat.of().parseHex("00" + "00112233445566778899aabbccddeeff"
                + HexFormat.of().formatHex(content));

        assertArrayEquals(sha(expectedInput), MerkleTree.leaf(recordId, content));
    }

    @Test
    void aTwoLeafRootIsSha256OfOneByteLeftAndRight() throws Exception {
        byte[] a = sha(new byte[] {1});
        byte[] b = sha(new byte[] {2});
        byte[] input = new byte[65];
        input[0] = 1;
        System.arraycopy(a, 0, input, 1, 32);
        System.arraycopy(b, 0, input, 33, 32);

        MerkleTree tree = MerkleTree.build(List.of(a, b));

        assertArrayEquals(sha(input), tree.root());
        assertEquals(List.of(Position.RIGHT), tree.proof(0).stream().map(ProofStep::position).toList());
        assertEquals(List.of(Position.LEFT), tree.proof(1).stream().map(ProofStep::position).toList());
    }

    @Test
    void aSingleLeafIsItsOwnRootWithAnEmptyProof() throws Exception {
        byte[] leaf = sha(new byte[] {7});
        MerkleTree tree = MerkleTree.build(List.of(leaf));

        assertArrayEquals(leaf, tree.root());
        assertTrue(tree.proof(0).isEmpty());
    }

    @Test
    void theOddLastNodeIsPromotedUnchanged() throws Exception {
        byte[] a = sha(new byte[] {1});
        byte[] b = sha(new byte[] {2});
        byte[] c = sha(new byte[] {3});
        MerkleTree tree = MerkleTree.build(List.of(a, b, c));
        byte[] ab = MerkleTree.build(List.of(a, b)).root();

        assertArrayEquals(MerkleTree.build(List.of(ab, c)).root(), tree.root());
        assertEquals(1, tree.proof(2).size(), "c skips the level where it has no sibling");
        assertFalse(java.util.Arrays.equals(tree.root(), MerkleTree.build(List.of(a, b, c, c)).root()),
                "duplicating the last leaf gives another root");
    }

    @Test
    void everyLeafsProofFoldsToTheRootForEverySizeUpTo70() {
        Random random = new Random(42);
        for (int n = 1; n <= 70; n++) {
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] leaf = new byte[32];
                random.nextBytes(leaf);
                leaves.add(leaf);
            }
            MerkleTree tree = MerkleTree.build(leaves);
            for (int i = 0; i < n; i++) {
                assertTrue(MerkleTree.verify(leaves.get(i), tree.proof(i), tree.root()), "n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void aChangedLeafOrProofStepNoLongerVerifies() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            leaves.add(MerkleTree.leaf(UUID.randomUUID(), new byte[32]));
        }
        MerkleTree tree = MerkleTree.build(leaves);
        List<ProofStep> proof = tree.proof(4);

        byte[] tampered = leaves.get(4).clone();
        tampered[0] ^= 1;
        assertFalse(MerkleTree.verify(tampered, proof, tree.root()));
        List<ProofStep> swapped = new ArrayList<>(proof);
        swapped.set(0, new ProofStep(proof.get(0).position() == Position.LEFT ? Position.RIGHT : Position.LEFT,
                proof.get(0).hash()));
        assertFalse(MerkleTree.verify(leaves.get(4), swapped, tree.root()));
    }

    @Test
    void hexIsLowerCaseWithPrefixAndRoundTrips() {
        byte[] hash = new byte[32];
        hash[0] = (byte) 0xAB;
        String hex = MerkleTree.toHex(hash);

        assertTrue(hex.startsWith("0xab00"));
        assertArrayEquals(hash, MerkleTree.fromHex(hex.toUpperCase().replace("0XAB", "0xAB")));
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.fromHex("0x1234"));
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.build(List.of()));
    }

    private static byte[] sha(byte[] input) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(input);
    }

    @Test
    void aBatchStoredAsItsLeavesGivesBackTheSameRootAndProofs() throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            leaves.add(sha(new byte[] {(byte) i}));
        }
        MerkleTree tree = MerkleTree.build(leaves);

        MerkleTree again = MerkleTree.build(MerkleTree.split(tree.leafBytes()));

        assertArrayEquals(tree.root(), again.root());
        assertEquals(36, again.indexOf(leaves.get(36)));
        assertEquals(-1, again.indexOf(sha(new byte[] {99})));
        assertTrue(MerkleTree.verify(leaves.get(20), again.proof(again.indexOf(leaves.get(20))), tree.root()));
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.split(new byte[33]));
    }
}
