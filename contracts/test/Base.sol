// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title Vm
 * @notice The forge cheatcodes these tests use. forge-std is not published on npm, so this is the
 * minimal subset of its `Vm` interface, at forge's fixed cheatcode address.
 */
interface Vm {
    function prank(address msgSender) external;
    function expectRevert(bytes calldata revertData) external;
    function expectPartialRevert(bytes4 selector) external;
    function expectEmit(address emitter) external;
    function warp(uint256 newTimestamp) external;
    function roll(uint256 newHeight) external;
    function chainId(uint256 newChainId) external;
    function etch(address target, bytes calldata newRuntimeBytecode) external;
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function addr(uint256 privateKey) external pure returns (address);
    function assume(bool condition) external pure;
    function toString(uint256 value) external pure returns (string memory);
    function toString(bytes32 value) external pure returns (string memory);
    function toString(address value) external pure returns (string memory);
}

/**
 * @title TestBase
 * @notice Cheatcodes, assertions and input bounding for the forge tests (a small stand-in for
 * forge-std's `Test`). A failed assertion reverts, which fails the test.
 */
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Order of the secp256k1 group: private keys are in [1, N - 1].
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) {
            revert(string.concat(what, ": expected ", vm.toString(expected), ", got ", vm.toString(actual)));
        }
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) {
            revert(string.concat(what, ": expected ", vm.toString(expected), ", got ", vm.toString(actual)));
        }
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) {
            revert(string.concat(what, ": expected ", vm.toString(expected), ", got ", vm.toString(actual)));
        }
    }

    function assertEq(string memory actual, string memory expected, string memory what) internal pure {
        if (keccak256(bytes(actual)) != keccak256(bytes(expected))) {
            revert(string.concat(what, ": expected '", expected, "', got '", actual, "'"));
        }
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(string.concat(what, ": expected true"));
    }

    function assertFalse(bool condition, string memory what) internal pure {
        if (condition) revert(string.concat(what, ": expected false"));
    }

    /// @dev Maps any fuzzed `x` into [min, max] without discarding runs (like forge-std's bound).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    /// @dev A valid secp256k1 private key derived from any fuzzed value.
    function boundKey(uint256 x) internal pure returns (uint256) {
        return bound(x, 1, SECP256K1_N - 1);
    }

    /// @dev r‖s‖v, the 65-byte signature format the contracts take.
    function signDigest(uint256 privateKey, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }
}
