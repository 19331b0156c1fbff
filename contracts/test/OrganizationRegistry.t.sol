// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {OrganizationRegistry} from "../src/OrganizationRegistry.sol";
import {TestBase} from "./Base.sol";

contract OrganizationRegistryTest is TestBase {
    address internal constant ADMIN = address(0xAD);
    address internal constant GOVERNOR = address(0x60F);
    address internal constant CONTROLLER = address(0xC047);
    address internal constant SIGNER = address(0x5161);
    uint256 internal constant START = 1_800_000_000;

    bytes32 internal constant ORG = keccak256("hospital-a");

    OrganizationRegistry internal registry;

    function setUp() public {
        vm.warp(START);
        registry = new OrganizationRegistry(ADMIN);
        bytes32 governorRole = registry.GOVERNOR_ROLE();
        vm.prank(ADMIN);
        registry.grantRole(governorRole, GOVERNOR);
    }

    // ---- helpers ----

    function entry(address signer, address controller)
        internal
        pure
        returns (OrganizationRegistry.Organization memory)
    {
        return OrganizationRegistry.Organization({
            name: "Hospital A",
            endpoint: "http://localhost:8080/exchange/v1",
            signer: signer,
            encryptionKey: hex"0a0b0c",
            patientRegistry: address(0x1001),
            consentRegistry: address(0x1002),
            anchorRegistry: address(0x1003),
            controller: controller,
            status: OrganizationRegistry.Status.NONE,
            updatedAt: 0
        });
    }

    function admitDefault() internal {
        vm.prank(GOVERNOR);
        registry.admit(ORG, entry(SIGNER, CONTROLLER));
    }

    // ---- construction and roles ----

    function test_constructorMakesTheAdminTheRoleAdmin() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), ADMIN), "admin role");
        assertFalse(registry.hasRole(registry.GOVERNOR_ROLE(), ADMIN), "admin is no governor");
        assertEq(registry.GOVERNOR_ROLE(), keccak256("GOVERNOR_ROLE"), "role id");
    }

    function test_constructorRevertsForZeroAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryZeroAddress.selector));
        new OrganizationRegistry(address(0));
    }

    function testFuzz_onlyTheGovernorAdmitsSuspendsAndReinstates(address caller) public {
        vm.assume(caller != GOVERNOR);
        bytes memory unauthorized = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, caller, registry.GOVERNOR_ROLE()
        );
        vm.expectRevert(unauthorized);
        vm.prank(caller);
        registry.admit(ORG, entry(SIGNER, CONTROLLER));

        admitDefault();
        vm.expectRevert(unauthorized);
        vm.prank(caller);
        registry.suspend(ORG);

        vm.prank(GOVERNOR);
        registry.suspend(ORG);
        vm.expectRevert(unauthorized);
        vm.prank(caller);
        registry.reinstate(ORG);
    }

    // ---- admit ----

    function testFuzz_admitStoresTheEntryActiveAndEmits(
        bytes32 organizationId,
        address signer,
        address controller,
        bytes calldata encryptionKey,
        uint8 claimedStatus,
        uint64 claimedUpdatedAt
    ) public {
        vm.assume(organizationId != bytes32(0) && signer != address(0) && controller != address(0));
        OrganizationRegistry.Organization memory given = entry(signer, controller);
        given.encryptionKey = encryptionKey;
        given.status = OrganizationRegistry.Status(bound(claimedStatus, 0, 2));
        given.updatedAt = claimedUpdatedAt;

        vm.expectEmit(address(registry));
        emit OrganizationRegistry.OrganizationAdmitted(organizationId, given.name, given.endpoint, signer, controller);
        vm.prank(GOVERNOR);
        registry.admit(organizationId, given);

        OrganizationRegistry.Organization memory stored = registry.organization(organizationId);
        assertEq(stored.name, "Hospital A", "name");
        assertEq(stored.endpoint, "http://localhost:8080/exchange/v1", "endpoint");
        assertEq(stored.signer, signer, "signer");
        assertEq(keccak256(stored.encryptionKey), keccak256(encryptionKey), "encryptionKey");
        assertEq(stored.patientRegistry, address(0x1001), "patientRegistry");
        assertEq(stored.consentRegistry, address(0x1002), "consentRegistry");
        assertEq(stored.anchorRegistry, address(0x1003), "anchorRegistry");
        assertEq(stored.controller, controller, "controller");
        assertEq(uint256(stored.status), uint256(OrganizationRegistry.Status.ACTIVE), "status forced ACTIVE");
        assertEq(stored.updatedAt, START, "updatedAt is the block time");
        bytes32[] memory ids = registry.organizationIds();
        assertEq(ids.length, 1, "ids");
        assertEq(ids[0], organizationId, "ids[0]");
        assertTrue(registry.isSigner(organizationId, signer, uint64(START)), "signer valid");
    }

    function test_admitRevertsWhenTheIdExists() public {
        admitDefault();
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryAlreadyAdmitted.selector, ORG));
        vm.prank(GOVERNOR);
        registry.admit(ORG, entry(address(0x1), address(0x2)));
    }

    function test_admitRevertsForZeroId() public {
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryZeroOrganizationId.selector));
        vm.prank(GOVERNOR);
        registry.admit(bytes32(0), entry(SIGNER, CONTROLLER));
    }

    function test_admitRevertsForZeroSignerOrController() public {
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryZeroAddress.selector));
        vm.prank(GOVERNOR);
        registry.admit(ORG, entry(address(0), CONTROLLER));
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryZeroAddress.selector));
        vm.prank(GOVERNOR);
        registry.admit(ORG, entry(SIGNER, address(0)));
    }

    function test_admitRevertsForEmptyNameOrEndpoint() public {
        OrganizationRegistry.Organization memory noName = entry(SIGNER, CONTROLLER);
        noName.name = "";
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryEmptyField.selector));
        vm.prank(GOVERNOR);
        registry.admit(ORG, noName);
        OrganizationRegistry.Organization memory noEndpoint = entry(SIGNER, CONTROLLER);
        noEndpoint.endpoint = "";
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryEmptyField.selector));
        vm.prank(GOVERNOR);
        registry.admit(ORG, noEndpoint);
    }

    function test_unknownOrganizationIsAllZeroWithStatusNone() public view {
        OrganizationRegistry.Organization memory stored = registry.organization(ORG);
        assertEq(uint256(stored.status), uint256(OrganizationRegistry.Status.NONE), "status");
        assertEq(stored.signer, address(0), "signer");
        assertEq(registry.organizationIds().length, 0, "ids");
        assertFalse(registry.isSigner(ORG, address(0), 0), "zero signer of unknown org");
    }

    function test_organizationIdsListEveryAdmissionInOrder() public {
        admitDefault();
        vm.prank(GOVERNOR);
        registry.admit(keccak256("hospital-b"), entry(address(0xB1), address(0xB2)));
        bytes32[] memory ids = registry.organizationIds();
        assertEq(ids.length, 2, "ids");
        assertEq(ids[0], ORG, "first");
        assertEq(ids[1], keccak256("hospital-b"), "second");
    }

    // ---- suspend, reinstate ----

    function testFuzz_suspendedOrganizationsSignersAreNotValidUntilReinstated(uint64 signedAt) public {
        admitDefault();
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, address(0x5162));
        vm.warp(START + 100);

        vm.expectEmit(address(registry));
        emit OrganizationRegistry.OrganizationSuspended(ORG);
        vm.prank(GOVERNOR);
        registry.suspend(ORG);
        assertEq(uint256(registry.organization(ORG).status), uint256(OrganizationRegistry.Status.SUSPENDED), "status");
        assertEq(registry.organization(ORG).updatedAt, START + 100, "updatedAt");
        assertFalse(registry.isSigner(ORG, address(0x5162), signedAt), "current signer refused");
        assertFalse(registry.isSigner(ORG, SIGNER, signedAt), "former signer refused");

        vm.expectEmit(address(registry));
        emit OrganizationRegistry.OrganizationReinstated(ORG);
        vm.prank(GOVERNOR);
        registry.reinstate(ORG);
        assertEq(uint256(registry.organization(ORG).status), uint256(OrganizationRegistry.Status.ACTIVE), "status");
        assertTrue(registry.isSigner(ORG, address(0x5162), signedAt), "current signer valid again");
    }

    function test_suspendAndReinstateRevertForUnknownOrWrongStatus() public {
        vm.expectRevert(
            abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryUnknownOrganization.selector, ORG)
        );
        vm.prank(GOVERNOR);
        registry.suspend(ORG);
        vm.expectRevert(
            abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryUnknownOrganization.selector, ORG)
        );
        vm.prank(GOVERNOR);
        registry.reinstate(ORG);

        admitDefault();
        vm.expectRevert(
            abi.encodeWithSelector(
                OrganizationRegistry.OrganizationRegistryInvalidStatus.selector, ORG, OrganizationRegistry.Status.ACTIVE
            )
        );
        vm.prank(GOVERNOR);
        registry.reinstate(ORG);

        vm.prank(GOVERNOR);
        registry.suspend(ORG);
        vm.expectRevert(
            abi.encodeWithSelector(
                OrganizationRegistry.OrganizationRegistryInvalidStatus.selector,
                ORG,
                OrganizationRegistry.Status.SUSPENDED
            )
        );
        vm.prank(GOVERNOR);
        registry.suspend(ORG);
    }

    // ---- controller changes ----

    function testFuzz_controllerChangesTheEndpointAndEmits(string calldata endpoint) public {
        vm.assume(bytes(endpoint).length != 0);
        admitDefault();
        vm.warp(START + 5);
        vm.expectEmit(address(registry));
        emit OrganizationRegistry.EndpointChanged(ORG, endpoint);
        vm.prank(CONTROLLER);
        registry.setEndpoint(ORG, endpoint);
        assertEq(registry.organization(ORG).endpoint, endpoint, "endpoint");
        assertEq(registry.organization(ORG).updatedAt, START + 5, "updatedAt");
    }

    function test_setEndpointRevertsForEmpty() public {
        admitDefault();
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryEmptyField.selector));
        vm.prank(CONTROLLER);
        registry.setEndpoint(ORG, "");
    }

    function testFuzz_controllerRotatesTheEncryptionKeyAndEmits(bytes calldata encryptionKey) public {
        vm.assume(encryptionKey.length != 0);
        admitDefault();
        vm.expectEmit(address(registry));
        emit OrganizationRegistry.EncryptionKeyRotated(ORG, encryptionKey);
        vm.prank(CONTROLLER);
        registry.rotateEncryptionKey(ORG, encryptionKey);
        assertEq(keccak256(registry.organization(ORG).encryptionKey), keccak256(encryptionKey), "encryptionKey");
    }

    function test_rotateEncryptionKeyRevertsForEmpty() public {
        admitDefault();
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryEmptyField.selector));
        vm.prank(CONTROLLER);
        registry.rotateEncryptionKey(ORG, "");
    }

    function testFuzz_controllerChangesTheRegistriesAndEmits(address patients, address consents, address anchors)
        public
    {
        admitDefault();
        vm.expectEmit(address(registry));
        emit OrganizationRegistry.RegistriesChanged(ORG, patients, consents, anchors);
        vm.prank(CONTROLLER);
        registry.setRegistries(ORG, patients, consents, anchors);
        OrganizationRegistry.Organization memory stored = registry.organization(ORG);
        assertEq(stored.patientRegistry, patients, "patientRegistry");
        assertEq(stored.consentRegistry, consents, "consentRegistry");
        assertEq(stored.anchorRegistry, anchors, "anchorRegistry");
    }

    function testFuzz_nonControllersAreRefusedEveryChange(address caller) public {
        vm.assume(caller != CONTROLLER);
        admitDefault();
        bytes memory notController =
            abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryNotController.selector, ORG, caller);
        vm.expectRevert(notController);
        vm.prank(caller);
        registry.setEndpoint(ORG, "http://evil.example");
        vm.expectRevert(notController);
        vm.prank(caller);
        registry.rotateSigner(ORG, caller);
        vm.expectRevert(notController);
        vm.prank(caller);
        registry.rotateEncryptionKey(ORG, hex"01");
        vm.expectRevert(notController);
        vm.prank(caller);
        registry.setRegistries(ORG, caller, caller, caller);
    }

    function test_governorIsNoControllerEither() public {
        admitDefault();
        vm.expectRevert(
            abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryNotController.selector, ORG, GOVERNOR)
        );
        vm.prank(GOVERNOR);
        registry.rotateSigner(ORG, GOVERNOR);
    }

    function test_controllerChangesRevertForAnUnknownOrganization() public {
        bytes memory unknown =
            abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryUnknownOrganization.selector, ORG);
        vm.expectRevert(unknown);
        vm.prank(CONTROLLER);
        registry.setEndpoint(ORG, "http://x");
        vm.expectRevert(unknown);
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, address(0x1));
        vm.expectRevert(unknown);
        vm.prank(CONTROLLER);
        registry.rotateEncryptionKey(ORG, hex"01");
        vm.expectRevert(unknown);
        vm.prank(CONTROLLER);
        registry.setRegistries(ORG, address(0), address(0), address(0));
    }

    function test_aSuspendedMemberMayStillRotateItsKeys() public {
        admitDefault();
        vm.prank(GOVERNOR);
        registry.suspend(ORG);
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, address(0x5162));
        assertEq(registry.organization(ORG).signer, address(0x5162), "signer");
        assertFalse(registry.isSigner(ORG, address(0x5162), uint64(START)), "still suspended");
    }

    // ---- signer rotation window ----

    function testFuzz_rotatedOutSignerStaysValidForRequestsSignedUpToTheRotation(
        address next,
        uint64 rotatedAfter,
        uint64 signedAt
    ) public {
        vm.assume(next != address(0) && next != SIGNER);
        admitDefault();
        uint64 rotatedAt = uint64(START + bound(rotatedAfter, 0, 365 days));
        vm.warp(rotatedAt);

        vm.expectEmit(address(registry));
        emit OrganizationRegistry.SignerRotated(ORG, SIGNER, next);
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, next);

        assertEq(registry.organization(ORG).signer, next, "signer");
        assertEq(registry.organization(ORG).updatedAt, rotatedAt, "updatedAt");
        assertTrue(registry.isSigner(ORG, next, signedAt), "new signer valid");
        assertEq(registry.isSigner(ORG, SIGNER, signedAt) ? 1 : 0, signedAt <= rotatedAt ? 1 : 0, "old signer window");
    }

    function testFuzz_anUnrelatedAddressIsNeverASigner(address stranger, uint64 signedAt) public {
        vm.assume(stranger != SIGNER);
        admitDefault();
        assertFalse(registry.isSigner(ORG, stranger, signedAt), "stranger");
        assertFalse(registry.isSigner(keccak256("other"), SIGNER, signedAt), "signer of another org");
    }

    function test_aSignerRotatedBackInIsCurrentAgain() public {
        admitDefault();
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, address(0x5162));
        vm.warp(START + 10);
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, SIGNER);
        assertTrue(registry.isSigner(ORG, SIGNER, uint64(START + 1000)), "current again");
        assertTrue(registry.isSigner(ORG, address(0x5162), uint64(START + 10)), "second signer until its rotation");
        assertFalse(registry.isSigner(ORG, address(0x5162), uint64(START + 11)), "second signer after");
    }

    function test_rotateSignerRevertsForZeroOrUnchanged() public {
        admitDefault();
        vm.expectRevert(abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistryZeroAddress.selector));
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, address(0));
        vm.expectRevert(
            abi.encodeWithSelector(OrganizationRegistry.OrganizationRegistrySignerUnchanged.selector, ORG, SIGNER)
        );
        vm.prank(CONTROLLER);
        registry.rotateSigner(ORG, SIGNER);
    }
}
