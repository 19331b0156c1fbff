package health.ehr.anchor.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/** Typed configuration of chain-anchor-service (prefix {@code anchor}); defaults in application.properties. */
@ConfigMapping(prefix = "anchor")
public interface AnchorConfig {

    /** The Ethereum JSON-RPC endpoint. */
    String rpcUrl();

    /** The chain id transactions are signed for; the node must serve this chain or the service is not ready. */
    long chainId();

    /**
     * The chain writer's private key (0x hex), from the secret {@code EHR_CHAIN_WRITER_KEY}. Only the
     * dev and test profiles fall back to anvil's public dev key 1; production has no default.
     */
    String writerKey();

    /** A batch closes at this many leaves. */
    int batchMaxLeaves();

    /** A batch closes at this age (of its oldest leaf) even when not full. */
    Duration batchMaxAge();

    /** How often the batch closer looks for a batch to close. */
    Duration batchPollInterval();

    /**
     * Confirmations before a transaction counts as final, counted the usual way: the block that
     * includes it is the first, each block on top one more (2: its block and one on top; 0 or 1: final
     * when mined).
     */
    int confirmations();

    /**
     * Where the chain's finality comes from. {@code AUTO}: the node's {@code finalized} block tag when
     * it answers it (Ethereum, L2s, anvil), else {@link #finalityDepth()} blocks below the head;
     * {@code FINALIZED} or {@code SAFE}: that tag, required; {@code DEPTH}: the depth only (a chain
     * without finality tags, e.g. a Clique PoA network). Until a transaction's block is final it stays
     * watched: a reorg that drops it after it was confirmed sends it again and withdraws its outcome.
     */
    Finality finality();

    /**
     * Blocks below the head that count as final where the chain gives no finality tag; the watch
     * window after the confirmation depth. Make it many times {@link #confirmations()}.
     */
    int finalityDepth();

    /**
     * The genesis block hash (0x hex) of a chain that replaced the one this installation's database
     * was written to, and that the operator adopts: at start the service re-anchors every record and
     * sends every chain command again onto it ({@code EHR_CHAIN_ADOPT}). Ignored while the node serves
     * the recorded chain; without it a replaced chain leaves the service not ready and writing nothing.
     */
    Optional<String> adoptChain();

    /** Sources of finality: see {@link #finality()}. */
    enum Finality {
        AUTO, FINALIZED, SAFE, DEPTH
    }

    /** How often pending transactions are broadcast, their receipts fetched and their depth checked. */
    Duration txPollInterval();

    /** How often the chain's head is read, to learn its block rhythm ({@link health.ehr.anchor.service.BlockClock}). */
    Duration headPollInterval();

    /**
     * On a chain with a steady block rhythm, a batch closes up to one block before its max age, this
     * long before the last block that its age allows, so that its anchor is in that block rather than
     * in the next one (0: close at the max age only).
     */
    Duration batchSubmitLead();

    /** A sent transaction not mined after this long is re-signed with the same nonce and higher fees. */
    Duration resubmitAfter();

    /** How much a resubmission raises both EIP-1559 fees, in percent (nodes require at least 10). */
    int feeBumpPercent();

    /** Upper bound of {@code maxFeePerGas} in wei; fee bumping stops there. Empty: no bound. */
    Optional<Long> maxFeePerGasWei();

    /** Gas limit of a transaction = the node's estimate times this factor (room for state changes). */
    double gasLimitMargin();

    /** Timeout of each JSON-RPC call of the writer and the REST API. */
    Duration rpcTimeout();

    /** Timeout of the readiness check's {@code eth_blockNumber}. */
    Duration readinessTimeout();

    /** How often the chain command relay looks for commands to submit. */
    Duration commandPollInterval();

    /**
     * Only events from these CloudEvents sources (e.g. {@code /records-service}) are applied; empty:
     * every source. Tests set it so that they leave the shared topics' other traffic alone.
     */
    Optional<java.util.Set<String>> eventSources();

    /** The platform's contracts on this chain. */
    Contracts contracts();

    /** Addresses of the deployed contracts (written by {@code contracts/scripts/deploy}). */
    interface Contracts {

        /** AnchorRegistry: Merkle roots ({@code EHR_CONTRACTS_ANCHOR_REGISTRY}). */
        String anchorRegistry();

        /** PatientRegistry: pseudonymous patient ids ({@code EHR_CONTRACTS_PATIENT_REGISTRY}). */
        String patientRegistry();

        /** ConsentRegistry: signed grants and revocations ({@code EHR_CONTRACTS_CONSENT_REGISTRY}). */
        String consentRegistry();
    }
}
