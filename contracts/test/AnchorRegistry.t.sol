// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AnchorRegistry} from "../src/AnchorRegistry.sol";
import {TestBase} from "./Base.sol";

contract AnchorRegistryTest is TestBase {
    address internal constant ADMIN = address(0xAD);
    address internal constant ANCHORER = address(0xA4C);

    AnchorRegistry internal registry;

    function setUp() public {
        registry = new AnchorRegistry(ADMIN);
        bytes32 anchorerRole = registry.ANCHORER_ROLE();
        vm.prank(ADMIN);
        registry.grantRole(anchorerRole, ANCHORER);
    }

    function test_constructorMakesTheAdminTheRoleAdmin() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), ADMIN), "admin role");
        assertFalse(registry.hasRole(registry.ANCHORER_ROLE(), ADMIN), "admin is no anchorer");
        assertEq(registry.ANCHORER_ROLE(), keccak256("ANCHORER_ROLE"), "role id");
    }

    function test_constructorRevertsForZeroAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.AnchorRegistryZeroAddress.selector));
        new AnchorRegistry(address(0));
    }

    function testFuzz_anchorStoresTimeBlockAndLeafCountAndEmits(
        bytes32 root,
        uint32 leafCount,
        uint64 timestamp,
        uint64 blockNumber
    ) public {
        vm.assume(root != bytes32(0) && leafCount != 0);
        vm.warp(timestamp);
        vm.roll(blockNumber);

        vm.expectEmit(address(registry));
        emit AnchorRegistry.Anchored(root, leafCount, timestamp);
        vm.prank(ANCHORER);
        registry.anchor(root, leafCount);

        (uint64 at, uint64 inBlock, uint32 leaves) = registry.anchoredAt(root);
        assertEq(at, timestamp, "timestamp");
        assertEq(inBlock, blockNumber, "blockNumber");
        assertEq(leaves, leafCount, "leafCount");
    }

    function testFuzz_anchorRevertsForCallersWithoutAnchorerRole(address caller) public {
        vm.assume(caller != ANCHORER);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, registry.ANCHORER_ROLE()
            )
        );
        vm.prank(caller);
        registry.anchor(keccak256("root"), 1);
    }

    function test_anchorRevertsOnceTheRoleIsRevoked() public {
        bytes32 anchorerRole = registry.ANCHORER_ROLE();
        vm.prank(ADMIN);
        registry.revokeRole(anchorerRole, ANCHORER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ANCHORER, anchorerRole)
        );
        vm.prank(ANCHORER);
        registry.anchor(keccak256("root"), 1);
    }

    function test_anchorRevertsForZeroRoot() public {
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.AnchorRegistryZeroRoot.selector));
        vm.prank(ANCHORER);
        registry.anchor(bytes32(0), 1);
    }

    function test_anchorRevertsForZeroLeafCount() public {
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.AnchorRegistryZeroLeafCount.selector));
        vm.prank(ANCHORER);
        registry.anchor(keccak256("root"), 0);
    }

    function testFuzz_firstAnchorWinsAndASecondReverts(uint32 firstCount, uint32 secondCount, uint64 later) public {
        firstCount = uint32(bound(firstCount, 1, type(uint32).max));
        secondCount = uint32(bound(secondCount, 1, type(uint32).max));
        bytes32 root = keccak256("root");
        vm.warp(1_000);
        vm.roll(10);
        vm.prank(ANCHORER);
        registry.anchor(root, firstCount);

        vm.warp(bound(later, 1_000, type(uint64).max));
        vm.roll(11);
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.AnchorRegistryAlreadyAnchored.selector, root));
        vm.prank(ANCHORER);
        registry.anchor(root, secondCount);

        (uint64 at, uint64 inBlock, uint32 leaves) = registry.anchoredAt(root);
        assertEq(at, 1_000, "timestamp unchanged");
        assertEq(inBlock, 10, "blockNumber unchanged");
        assertEq(leaves, firstCount, "leafCount unchanged");
    }

    function testFuzz_anchoredAtAnUnknownRootIsZero(bytes32 root) public view {
        (uint64 at, uint64 inBlock, uint32 leaves) = registry.anchoredAt(root);
        assertEq(at, 0, "timestamp");
        assertEq(inBlock, 0, "blockNumber");
        assertEq(leaves, 0, "leafCount");
    }
}
