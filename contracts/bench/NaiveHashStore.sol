// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title NaiveHashStore
 * @notice Gas comparison only, never deployed by the platform: stores each record hash on its own,
 * the way a platform without Merkle batching would, to compare with `AnchorRegistry.anchor`.
 */
contract NaiveHashStore {
    mapping(bytes32 hash => uint64 timestamp) private _storedAt;

    /// @notice Emitted when a hash was stored.
    event HashStored(bytes32 indexed hash, uint64 timestamp);

    /// @notice The hash is already stored.
    error NaiveHashStoreAlreadyStored(bytes32 hash);

    /// @notice Stores one record hash with the block timestamp.
    function storeHash(bytes32 hash) external {
        if (_storedAt[hash] != 0) revert NaiveHashStoreAlreadyStored(hash);
        uint64 timestamp = uint64(block.timestamp);
        _storedAt[hash] = timestamp;
        emit HashStored(hash, timestamp);
    }

    /// @notice When a hash was stored, 0 when unknown.
    function storedAt(bytes32 hash) external view returns (uint64) {
        return _storedAt[hash];
    }
}
