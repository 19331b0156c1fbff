-- chain-anchor-service: the genesis of another chain the node served, for which every announced
-- anchor was withdrawn (BatchAnchorWithdrawn); announced again if the node returns to the recorded
-- chain, cleared when the other chain is adopted.
ALTER TABLE chain_identity
    ADD COLUMN withdrawn_for VARCHAR(66) NULL;
