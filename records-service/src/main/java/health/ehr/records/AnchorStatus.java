package health.ehr.records;

/** Where a record's hash stands on the chain, as the API's {@code Record.anchorStatus} names it (stored by name). */
public enum AnchorStatus {
    /** Not (or no longer) in a batch whose anchor is confirmed: after upload, or after a deep reorg withdrew it. */
    PENDING,
    /** In a batch whose anchor chain-anchor-service announced as confirmed (BatchAnchored). */
    ANCHORED,
    /** Crypto-shredded: the content is gone for good; the anchored hash still proves the history. */
    ERASED
}
