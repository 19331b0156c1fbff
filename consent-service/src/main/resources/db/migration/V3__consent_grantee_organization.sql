-- A consent may name a grantee of another installation of the exchange network (issue 17): its
-- organisation id (0x bytes32, as in OrganizationRegistry). NULL = a party of this installation
-- (every consent before this migration). grantee_chain_id then holds the remote grantee id the
-- grantee's installation can recompute (contracts/README.md, "A remote grantee's on-chain id").
ALTER TABLE consent ADD COLUMN grantee_organization_id CHAR(66) NULL AFTER grantee_chain_id;
