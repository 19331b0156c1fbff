// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ConsentRegistry} from "../src/ConsentRegistry.sol";
import {PatientRegistry} from "../src/PatientRegistry.sol";
import {TestBase} from "./Base.sol";

/// @dev The remote-grant path of ConsentRegistry (grantee of another organisation).
contract ConsentRegistryRemoteTest is TestBase {
    address internal constant ADMIN = address(0xAD);
    address internal constant REGISTRAR = address(0x4E6);
    address internal constant RELAYER = address(0x4E1A7);
    uint256 internal constant CONTROLLER_KEY = 0xC0FFEE;
    uint256 internal constant START = 1_800_000_000;

    bytes32 internal constant PATIENT = keccak256("patient-1");
    bytes32 internal constant ORG_B = keccak256("hospital-b");
    bytes32 internal constant GRANTEE = keccak256("practitioner-at-b");
    bytes32 internal constant SCOPE = keccak256("scope:all");

    PatientRegistry internal patients;
    ConsentRegistry internal consents;
    address internal controller;

    function setUp() public {
        vm.warp(START);
        patients = new PatientRegistry(ADMIN);
        bytes32 registrarRole = patients.REGISTRAR_ROLE();
        vm.prank(ADMIN);
        patients.grantRole(registrarRole, REGISTRAR);
        consents = new ConsentRegistry(address(patients));
        controller = vm.addr(CONTROLLER_KEY);
        vm.prank(REGISTRAR);
        patients.register(PATIENT, controller);
    }

    // ---- helpers ----

    function grantRemoteSig(uint256 key, bytes32 org, bytes32 granteeId, uint64 expiresAt, uint256 nonce)
        internal
        view
        returns (bytes memory)
    {
        return signDigest(key, consents.grantRemoteDigest(PATIENT, org, granteeId, SCOPE, expiresAt, nonce));
    }

    function revokeRemoteSig(uint256 key, bytes32 org, bytes32 granteeId, uint256 nonce)
        internal
        view
        returns (bytes memory)
    {
        return signDigest(key, consents.revokeRemoteDigest(PATIENT, org, granteeId, SCOPE, nonce));
    }

    function grantRemote(bytes32 org, bytes32 granteeId, uint64 expiresAt) internal {
        uint256 nonce = consents.nonces(PATIENT);
        bytes memory sig = grantRemoteSig(CONTROLLER_KEY, org, granteeId, expiresAt, nonce);
        vm.prank(RELAYER);
        consents.grantRemoteWithSig(PATIENT, org, granteeId, SCOPE, expiresAt, nonce, sig);
    }

    function domainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("EHR ConsentRegistry"),
                keccak256("1"),
                block.chainid,
                address(consents)
            )
        );
    }

    // ---- type hashes and digests ----

    function test_remoteTypeHashesMatchTheDocumentedTypes() public view {
        assertEq(
            consents.GRANT_REMOTE_TYPEHASH(),
            keccak256(
                "GrantRemote(bytes32 patientId,bytes32 granteeOrganizationId,bytes32 granteeId,bytes32 scopeHash,uint64 expiresAt,uint256 nonce)"
            ),
            "GRANT_REMOTE_TYPEHASH"
        );
        assertEq(
            consents.REVOKE_REMOTE_TYPEHASH(),
            keccak256(
                "RevokeRemote(bytes32 patientId,bytes32 granteeOrganizationId,bytes32 granteeId,bytes32 scopeHash,uint256 nonce)"
            ),
            "REVOKE_REMOTE_TYPEHASH"
        );
    }

    function testFuzz_remoteDigestsFollowEip712(
        bytes32 patientId,
        bytes32 org,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint64 expiresAt,
        uint256 nonce
    ) public view {
        bytes32 grantStruct = keccak256(
            abi.encode(consents.GRANT_REMOTE_TYPEHASH(), patientId, org, granteeId, scopeHash, expiresAt, nonce)
        );
        assertEq(
            consents.grantRemoteDigest(patientId, org, granteeId, scopeHash, expiresAt, nonce),
            keccak256(abi.encodePacked("\x19\x01", domainSeparator(), grantStruct)),
            "grantRemoteDigest"
        );
        bytes32 revokeStruct =
            keccak256(abi.encode(consents.REVOKE_REMOTE_TYPEHASH(), patientId, org, granteeId, scopeHash, nonce));
        assertEq(
            consents.revokeRemoteDigest(patientId, org, granteeId, scopeHash, nonce),
            keccak256(abi.encodePacked("\x19\x01", domainSeparator(), revokeStruct)),
            "revokeRemoteDigest"
        );
    }

    function testFuzz_aLocalSignatureIsNoRemoteSignature(bytes32 org) public {
        vm.assume(org != bytes32(0));
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory localSig = signDigest(CONTROLLER_KEY, consents.grantDigest(PATIENT, GRANTEE, SCOPE, expiresAt, 0));
        vm.expectPartialRevert(ConsentRegistry.ConsentRegistryInvalidSigner.selector);
        consents.grantRemoteWithSig(PATIENT, org, GRANTEE, SCOPE, expiresAt, 0, localSig);
    }

    /// @dev The same fixed vector as ConsentTypedDataTest (Java): chain 31337, contract 0x…c0de.
    function test_remoteDigestsOfTheFixedVectorMatchTheJavaEncoder() public {
        vm.chainId(31337);
        address fixedAddress = address(0xC0DE);
        vm.etch(fixedAddress, address(consents).code);
        ConsentRegistry atFixed = ConsentRegistry(fixedAddress);
        bytes32 patientId = 0x1000000000000000000000000000000000000000000000000000000000000001;
        bytes32 org = 0x4000000000000000000000000000000000000000000000000000000000000004;
        bytes32 granteeId = 0x2000000000000000000000000000000000000000000000000000000000000002;
        bytes32 scopeHash = 0x3000000000000000000000000000000000000000000000000000000000000003;
        assertEq(
            atFixed.grantRemoteDigest(patientId, org, granteeId, scopeHash, 1_893_456_000, 7),
            0x09a00e7b2dede3f7ebcb27fdde1e34b006857c113dd9712cf0ffd47351a3c814,
            "grantRemoteDigest of the fixed vector"
        );
        assertEq(
            atFixed.revokeRemoteDigest(patientId, org, granteeId, scopeHash, 8),
            0xcef5d488e01a5f77c3ad6122a8373f8c2ba7b961d0172f48c46d0d23dec9073f,
            "revokeRemoteDigest of the fixed vector"
        );
    }

    /// @dev The remote grantee id convention (Java: NetworkIds.remoteGranteeId), pinned by the same vector there.
    function test_remoteGranteeIdOfTheFixedVector() public pure {
        bytes32 org = keccak256("hospital-b");
        uint128 party = 0x0123456789abcdef0123456789abcdef; // UUID 01234567-89ab-cdef-0123-456789abcdef
        assertEq(
            keccak256(abi.encode(org, party)),
            0x80c2245afc69e08a8734bc6e72da86d7ca940d5160aac5dfed0d6bf387a9c98d,
            "remote grantee id"
        );
    }

    // ---- grantRemoteWithSig ----

    function testFuzz_signedRemoteGrantIsRecordedAndNamesBothOrganisationAndGrantee(
        address relayer,
        bytes32 org,
        bytes32 granteeId,
        uint64 expiresAt
    ) public {
        vm.assume(org != bytes32(0));
        expiresAt = uint64(bound(expiresAt, START + 1, type(uint64).max));
        bytes memory sig = grantRemoteSig(CONTROLLER_KEY, org, granteeId, expiresAt, 0);

        vm.expectEmit(address(consents));
        emit ConsentRegistry.ConsentGrantedRemote(org, granteeId, PATIENT, SCOPE, expiresAt, 0);
        vm.prank(relayer);
        consents.grantRemoteWithSig(PATIENT, org, granteeId, SCOPE, expiresAt, 0, sig);

        assertTrue(consents.isPermittedRemote(PATIENT, org, granteeId, SCOPE), "isPermittedRemote");
        (uint64 storedExpiry, bool active) = consents.consentOfRemote(PATIENT, org, granteeId, SCOPE);
        assertEq(storedExpiry, expiresAt, "expiresAt");
        assertTrue(active, "active");
        assertEq(consents.nonces(PATIENT), 1, "nonce bumped");
        assertFalse(consents.isPermitted(PATIENT, granteeId, SCOPE), "a remote grant is no local grant");
    }

    function testFuzz_remoteGrantPermitsOnlyItsOrganisationAndGrantee(bytes32 otherOrg, bytes32 otherGrantee) public {
        vm.assume(otherOrg != ORG_B && otherGrantee != GRANTEE);
        grantRemote(ORG_B, GRANTEE, uint64(START + 1 days));
        assertFalse(consents.isPermittedRemote(PATIENT, otherOrg, GRANTEE, SCOPE), "same grantee id, other org");
        assertFalse(consents.isPermittedRemote(PATIENT, ORG_B, otherGrantee, SCOPE), "other grantee");
        assertFalse(consents.isPermittedRemote(PATIENT, ORG_B, GRANTEE, keccak256("x")), "other scope");
    }

    function test_aLocalGrantIsNoRemoteGrant() public {
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = signDigest(CONTROLLER_KEY, consents.grantDigest(PATIENT, GRANTEE, SCOPE, expiresAt, 0));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, sig);
        assertTrue(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "local");
        assertFalse(consents.isPermittedRemote(PATIENT, ORG_B, GRANTEE, SCOPE), "not remote");
    }

    function testFuzz_remoteGrantStopsPermittingAtItsExpiry(uint64 expiresAt) public {
        expiresAt = uint64(bound(expiresAt, START + 1, type(uint64).max));
        grantRemote(ORG_B, GRANTEE, expiresAt);
        vm.warp(expiresAt - 1);
        assertTrue(consents.isPermittedRemote(PATIENT, ORG_B, GRANTEE, SCOPE), "before expiry");
        vm.warp(expiresAt);
        assertFalse(consents.isPermittedRemote(PATIENT, ORG_B, GRANTEE, SCOPE), "at expiry");
        (, bool active) = consents.consentOfRemote(PATIENT, ORG_B, GRANTEE, SCOPE);
        assertTrue(active, "still active (never revoked)");
    }

    function test_remoteGrantRevertsForTheZeroOrganisation() public {
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = grantRemoteSig(CONTROLLER_KEY, bytes32(0), GRANTEE, expiresAt, 0);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryZeroOrganization.selector));
        consents.grantRemoteWithSig(PATIENT, bytes32(0), GRANTEE, SCOPE, expiresAt, 0, sig);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryZeroOrganization.selector));
        consents.revokeRemoteWithSig(PATIENT, bytes32(0), GRANTEE, SCOPE, 0, sig);
    }

    function testFuzz_remoteGrantRevertsForAnExpiryNotInTheFuture(uint64 expiresAt) public {
        expiresAt = uint64(bound(expiresAt, 0, START));
        bytes memory sig = grantRemoteSig(CONTROLLER_KEY, ORG_B, GRANTEE, expiresAt, 0);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryExpired.selector, expiresAt, START));
        consents.grantRemoteWithSig(PATIENT, ORG_B, GRANTEE, SCOPE, expiresAt, 0, sig);
    }

    function testFuzz_remoteGrantSignedByAnotherKeyReverts(uint256 key) public {
        key = boundKey(key);
        vm.assume(key != CONTROLLER_KEY);
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = grantRemoteSig(key, ORG_B, GRANTEE, expiresAt, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSigner.selector, vm.addr(key), controller)
        );
        consents.grantRemoteWithSig(PATIENT, ORG_B, GRANTEE, SCOPE, expiresAt, 0, sig);
    }

    function testFuzz_remoteGrantForAnotherOrganisationThanSignedReverts(bytes32 otherOrg) public {
        vm.assume(otherOrg != ORG_B && otherOrg != bytes32(0));
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = grantRemoteSig(CONTROLLER_KEY, ORG_B, GRANTEE, expiresAt, 0);
        vm.expectPartialRevert(ConsentRegistry.ConsentRegistryInvalidSigner.selector);
        consents.grantRemoteWithSig(PATIENT, otherOrg, GRANTEE, SCOPE, expiresAt, 0, sig);
    }

    function test_localAndRemoteSignaturesShareThePatientsNonce() public {
        grantRemote(ORG_B, GRANTEE, uint64(START + 1 days));
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory staleLocal =
            signDigest(CONTROLLER_KEY, consents.grantDigest(PATIENT, GRANTEE, SCOPE, expiresAt, 0));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidNonce.selector, PATIENT, 1, 0));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, staleLocal);
        bytes memory replay = grantRemoteSig(CONTROLLER_KEY, ORG_B, GRANTEE, expiresAt, 0);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidNonce.selector, PATIENT, 1, 0));
        consents.grantRemoteWithSig(PATIENT, ORG_B, GRANTEE, SCOPE, expiresAt, 0, replay);
    }

    function testFuzz_remoteGrantRevertsForAnUnknownPatient(bytes32 patientId) public {
        vm.assume(patientId != PATIENT);
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig =
            signDigest(CONTROLLER_KEY, consents.grantRemoteDigest(patientId, ORG_B, GRANTEE, SCOPE, expiresAt, 0));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryUnknownPatient.selector, patientId));
        consents.grantRemoteWithSig(patientId, ORG_B, GRANTEE, SCOPE, expiresAt, 0, sig);
    }

    // ---- revokeRemoteWithSig ----

    function testFuzz_signedRemoteRevocationRemovesTheGrantAndEmits(address relayer, bytes32 org, bytes32 granteeId)
        public
    {
        vm.assume(org != bytes32(0));
        grantRemote(org, granteeId, uint64(START + 1 days));
        bytes memory sig = revokeRemoteSig(CONTROLLER_KEY, org, granteeId, 1);

        vm.expectEmit(address(consents));
        emit ConsentRegistry.ConsentRevokedRemote(org, granteeId, PATIENT, SCOPE, 1);
        vm.prank(relayer);
        consents.revokeRemoteWithSig(PATIENT, org, granteeId, SCOPE, 1, sig);

        assertFalse(consents.isPermittedRemote(PATIENT, org, granteeId, SCOPE), "not permitted");
        (uint64 storedExpiry, bool active) = consents.consentOfRemote(PATIENT, org, granteeId, SCOPE);
        assertEq(storedExpiry, 0, "expiry cleared");
        assertFalse(active, "inactive");
        assertEq(consents.nonces(PATIENT), 2, "nonce bumped");
    }

    function test_revokingARemoteGrantNeverMadeReverts() public {
        bytes memory sig = revokeRemoteSig(CONTROLLER_KEY, ORG_B, GRANTEE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ConsentRegistry.ConsentRegistryRemoteNotGranted.selector, PATIENT, ORG_B, GRANTEE, SCOPE
            )
        );
        consents.revokeRemoteWithSig(PATIENT, ORG_B, GRANTEE, SCOPE, 0, sig);
    }

    function test_aRemoteRevocationDoesNotTouchALocalGrant() public {
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = signDigest(CONTROLLER_KEY, consents.grantDigest(PATIENT, GRANTEE, SCOPE, expiresAt, 0));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, sig);
        bytes memory revoke = revokeRemoteSig(CONTROLLER_KEY, ORG_B, GRANTEE, 1);
        vm.expectPartialRevert(ConsentRegistry.ConsentRegistryRemoteNotGranted.selector);
        consents.revokeRemoteWithSig(PATIENT, ORG_B, GRANTEE, SCOPE, 1, revoke);
        assertTrue(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "local grant intact");
    }

    function testFuzz_remoteRevocationSignedByAnotherKeyReverts(uint256 key) public {
        key = boundKey(key);
        vm.assume(key != CONTROLLER_KEY);
        grantRemote(ORG_B, GRANTEE, uint64(START + 1 days));
        bytes memory sig = revokeRemoteSig(key, ORG_B, GRANTEE, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSigner.selector, vm.addr(key), controller)
        );
        consents.revokeRemoteWithSig(PATIENT, ORG_B, GRANTEE, SCOPE, 1, sig);
        assertTrue(consents.isPermittedRemote(PATIENT, ORG_B, GRANTEE, SCOPE), "still permitted");
    }

    function test_anExpiredRemoteGrantCanStillBeRevoked() public {
        grantRemote(ORG_B, GRANTEE, uint64(START + 1));
        vm.warp(START + 10);
        bytes memory sig = revokeRemoteSig(CONTROLLER_KEY, ORG_B, GRANTEE, 1);
        consents.revokeRemoteWithSig(PATIENT, ORG_B, GRANTEE, SCOPE, 1, sig);
        (, bool active) = consents.consentOfRemote(PATIENT, ORG_B, GRANTEE, SCOPE);
        assertFalse(active, "revoked");
    }
}
