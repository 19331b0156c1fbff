package health.ehr.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.system.faults.FaultLoad.Upload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * 3. Anchors: each acknowledged upload's proof folds to its root, the root is on chain
 * ({@code AnchorRegistry.anchoredAt}, raw {@code eth_call}), and the leaf is in exactly one ANCHORED batch of
 * {@code ehr_anchor} (root over MariaDB's socket). Batch membership as chain-anchor-service stores it: the
 * leaves of a closed batch ({@code anchor_batch.leaves}, newer schema), each leaf's stored proof
 * ({@code anchor_proof}) and each leaf's batch ({@code anchor_leaf}).
 */
final class AnchorCheck {

    /**
     * Uploads whose anchor is missing or wrong, anchored batches beyond the first per upload, and what the report
     * prints beside them: batches per status, the tables membership was read from, acknowledged records also in
     * a batch that is not ANCHORED, distinct roots checked on chain.
     */
    record Anchors(long lost, long duplicated, List<String> problems, Map<String, Integer> batchStatus,
            List<String> sources, long inOtherBatch, int rootsChecked) {
    }

    private final FaultStack stack;
    private final FaultLoad load;

    AnchorCheck(FaultStack stack, FaultLoad load) {
        this.stack = stack;
        this.load = load;
    }

    /** Checks every acknowledged upload against its ANCHORED proof ({@code proofs} by upload index). */
    Anchors check(Map<Integer, JsonNode> proofs) {
        Map<String, String> recordOfLeaf = new HashMap<>();
        load.acknowledged.values().forEach(u -> recordOfLeaf.put(MerkleProofs.leaf(u.recordId(), u.content()),
                u.recordId().replace("-", "")));
        Map<String, Set<String>> inAnchored = new HashMap<>();
        Map<String, Set<String>> inOther = new HashMap<>();
        Map<String, Integer> batchStatus = new TreeMap<>();
        List<String> sources = new ArrayList<>();
        for (String[] row : stack.query("SELECT status, COUNT(*) FROM ehr_anchor.anchor_batch GROUP BY status")) {
            batchStatus.put(row[0], Integer.parseInt(row[1]));
        }
        if (!stack.query("SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ehr_anchor'"
                + " AND TABLE_NAME = 'anchor_batch' AND COLUMN_NAME = 'leaves'").isEmpty()) {
            sources.add("anchor_batch.leaves");
            for (String[] row : stack.query("SELECT LOWER(HEX(batch_id)), status, HEX(leaves)"
                    + " FROM ehr_anchor.anchor_batch WHERE leaves IS NOT NULL")) {
                String leaves = row[2].toLowerCase();
                for (int i = 0; i + 64 <= leaves.length(); i += 64) {
                    String record = recordOfLeaf.get("0x" + leaves.substring(i, i + 64));
                    if (record != null) {
                        ("ANCHORED".equals(row[1]) ? inAnchored : inOther).computeIfAbsent(record,
                                k -> new HashSet<>()).add(row[0]);
                    }
                }
            }
        }
        for (String table : List.of("anchor_proof", "anchor_leaf")) {
            if (stack.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ehr_anchor'"
                    + " AND TABLE_NAME = '" + table + "'").isEmpty()) {
                continue;
            }
            sources.add(table);
            for (String[] row : stack.query("SELECT LOWER(HEX(t.record_id)), LOWER(HEX(t.batch_id)), b.status"
                    + " FROM ehr_anchor." + table + " t JOIN ehr_anchor.anchor_batch b ON b.batch_id = t.batch_id")) {
                ("ANCHORED".equals(row[2]) ? inAnchored : inOther)
                        .computeIfAbsent(row[0], k -> new HashSet<>()).add(row[1]);
            }
        }
        long anchorLost = 0;
        long anchorDuplicated = 0;
        List<String> anchorProblems = new ArrayList<>();
        Map<String, Boolean> rootOnChain = new HashMap<>();
        for (Upload upload : load.acknowledged.values()) {
            String leaf = MerkleProofs.leaf(upload.recordId(), upload.content());
            JsonNode proof = proofs.get(upload.index());
            Set<String> batches = inAnchored.getOrDefault(upload.recordId().replace("-", ""), Set.of());
            int anchoredIn = batches.size();
            if (anchoredIn > 1) {
                anchorDuplicated += anchoredIn - 1;
                anchorProblems.add(upload.recordId() + ": in " + anchoredIn + " anchored batches " + batches);
            }
            if (proof == null) {
                anchorLost++;
                anchorProblems.add(upload.recordId() + ": proof not ANCHORED");
                continue;
            }
            String root = MerkleProofs.fold(leaf, proof);
            boolean onChain = rootOnChain.computeIfAbsent(root + "@" + proof.get("contractAddress").asText(),
                    k -> anchoredAt(proof.get("contractAddress").asText(), root) != 0);
            if (!leaf.equals(proof.path("leaf").asText()) || !root.equals(proof.path("merkleRoot").asText()) || !onChain
                    || anchoredIn == 0) {
                anchorLost++;
                anchorProblems.add(upload.recordId() + ": leaf " + leaf.equals(proof.path("leaf").asText())
                        + ", folds to root " + root.equals(proof.path("merkleRoot").asText()) + ", root on chain "
                        + onChain + ", in anchored batches " + anchoredIn);
            }
        }
        long inOtherBatch = inOther.keySet().stream().filter(recordOfLeaf::containsValue).count();
        return new Anchors(anchorLost, anchorDuplicated, anchorProblems, batchStatus, sources, inOtherBatch,
                rootOnChain.size());
    }

    /** {@code AnchorRegistry.anchoredAt(root)}: the anchoring time, 0 when the root is not on chain. */
    private long anchoredAt(String contract, String root) {
        String result = stack.call(contract, "anchoredAt(bytes32)", root);
        return Long.parseLong(result.substring(2, 66), 16);
    }
}
