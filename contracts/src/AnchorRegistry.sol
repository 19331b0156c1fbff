// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title AnchorRegistry
 * @notice Stores Merkle roots of record hashes, with the number of leaves and when they were
 * anchored, so that anyone holding a record and its proof can check it against the chain.
 * @dev Only holders of `ANCHORER_ROLE` (the platform's chain writer) anchor. The first write of a
 * root wins and is never overwritten, so an anchor's time and leaf count cannot be rewritten.
 * A root, its timestamp, block number and leaf count fit in one storage slot.
 */
contract AnchorRegistry is AccessControl {
    /// @notice Role allowed to anchor roots.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    struct Anchor {
        uint64 timestamp;
        uint64 blockNumber;
        uint32 leafCount;
    }

    mapping(bytes32 root => Anchor) private _anchors;

    /**
     * @notice Emitted when a Merkle root was anchored.
     * @param root the Merkle root
     * @param leafCount number of leaves (records) under the root
     * @param timestamp the block timestamp at which it was anchored
     */
    event Anchored(bytes32 indexed root, uint32 leafCount, uint64 timestamp);

    /// @notice An address argument that must be set was the zero address.
    error AnchorRegistryZeroAddress();

    /// @notice The zero root cannot be anchored.
    error AnchorRegistryZeroRoot();

    /// @notice A root must cover at least one leaf.
    error AnchorRegistryZeroLeafCount();

    /// @notice The root is already anchored; the first anchor stands.
    error AnchorRegistryAlreadyAnchored(bytes32 root);

    /**
     * @notice Creates the registry.
     * @param admin receives `DEFAULT_ADMIN_ROLE` and thereby decides who holds `ANCHORER_ROLE`
     */
    constructor(address admin) {
        if (admin == address(0)) revert AnchorRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /**
     * @notice Anchors a Merkle root.
     * @dev Reverts for a zero root, a zero leaf count, or a root that is already anchored.
     * @param root the Merkle root of a batch of record hashes
     * @param leafCount number of leaves under the root
     */
    function anchor(bytes32 root, uint32 leafCount) external onlyRole(ANCHORER_ROLE) {
        if (root == bytes32(0)) revert AnchorRegistryZeroRoot();
        if (leafCount == 0) revert AnchorRegistryZeroLeafCount();
        if (_anchors[root].leafCount != 0) revert AnchorRegistryAlreadyAnchored(root);
        uint64 timestamp = uint64(block.timestamp);
        _anchors[root] = Anchor(timestamp, uint64(block.number), leafCount);
        emit Anchored(root, leafCount, timestamp);
    }

    /**
     * @notice When and how a root was anchored.
     * @param root the Merkle root
     * @return timestamp block timestamp of the anchor, 0 when the root is unknown
     * @return blockNumber block number of the anchor, 0 when the root is unknown
     * @return leafCount number of leaves under the root, 0 when the root is unknown
     */
    function anchoredAt(bytes32 root) external view returns (uint64 timestamp, uint64 blockNumber, uint32 leafCount) {
        Anchor storage a = _anchors[root];
        return (a.timestamp, a.blockNumber, a.leafCount);
    }
}
