package health.ehr.anchor.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request and response bodies of the Anchors API (docs/api.md, Anchors). */
public final class AnchorViews {

    static final String HASH = "^0x[0-9a-fA-F]{64}$";
    static final String HASH_MESSAGE = "must be a 32-byte hash as 0x hex";

    private AnchorViews() {
    }

    /**
     * A Merkle batch. {@code finalized}: an ANCHORED batch whose block the chain has made final (before
     * that, a reorg deeper than the confirmation depth could still withdraw it).
     */
    public record Batch(UUID batchId, String merkleRoot, int leafCount, String transactionHash, Long blockNumber,
            Long gasUsed, String status, Instant createdAt, Instant anchoredAt, boolean finalized) {
    }

    /** One step of a proof: the sibling hash and on which side it goes. */
    public record ProofStep(
            @NotNull(message = "is required") @Pattern(regexp = "^(left|right)$", message = "must be left or right")
            String position,
            @NotNull(message = "is required") @Pattern(regexp = HASH, message = HASH_MESSAGE) String hash) {
    }

    /** {@code POST /api/anchors/verify}. */
    public record VerifyRequest(
            @NotBlank(message = "is required") @Pattern(regexp = HASH, message = HASH_MESSAGE) String leaf,
            @NotNull(message = "is required") @Size(max = 64, message = "has at most 64 steps")
            List<@Valid @NotNull(message = "is required") ProofStep> proof,
            @NotBlank(message = "is required") @Pattern(regexp = HASH, message = HASH_MESSAGE) String merkleRoot) {
    }

    /** Whether a proof folds to the root, and whether that root is anchored. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifyResult(boolean valid, boolean anchored, Long blockNumber, String transactionHash) {
    }

    /** {@code POST /api/anchors/chain/adopt}: the genesis hash of the chain to adopt. */
    public record AdoptRequest(
            @NotBlank(message = "is required") @Pattern(regexp = HASH, message = HASH_MESSAGE) String genesisHash) {
    }

    /** The chain as the writer sees it. */
    public record ChainStatus(long chainId, long blockNumber, String writerAddress, String balanceWei,
            long pendingTransactions, Map<String, String> contracts) {
    }

    /**
     * A record's proof (docs/api.md, {@code Proof}); status PENDING until its batch has the confirmation
     * depth, then ANCHORED; {@code finalized} once the chain has made the anchor's block final.
     */
    public record Proof(UUID recordId, String status, String leaf, String merkleRoot, List<ProofStep> proof,
            UUID batchId, long chainId, String contractAddress, String transactionHash, Long blockNumber,
            Instant anchoredAt, boolean finalized) {
    }
}
