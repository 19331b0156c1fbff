// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ConsentRegistry} from "../src/ConsentRegistry.sol";
import {PatientRegistry} from "../src/PatientRegistry.sol";
import {TestBase} from "./Base.sol";

contract ConsentRegistryTest is TestBase {
    address internal constant ADMIN = address(0xAD);
    address internal constant REGISTRAR = address(0x4E6);
    address internal constant RELAYER = address(0x4E1A7);
    uint256 internal constant CONTROLLER_KEY = 0xC0FFEE;
    uint256 internal constant START = 1_800_000_000;

    bytes32 internal constant PATIENT = keccak256("patient-1");
    bytes32 internal constant GRANTEE = keccak256("practitioner-1");
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

    function grantSig(uint256 key, bytes32 granteeId, bytes32 scopeHash, uint64 expiresAt, uint256 nonce)
        internal
        view
        returns (bytes memory)
    {
        return signDigest(key, consents.grantDigest(PATIENT, granteeId, scopeHash, expiresAt, nonce));
    }

    function revokeSig(uint256 key, bytes32 granteeId, bytes32 scopeHash, uint256 nonce)
        internal
        view
        returns (bytes memory)
    {
        return signDigest(key, consents.revokeDigest(PATIENT, granteeId, scopeHash, nonce));
    }

    function grant(bytes32 granteeId, bytes32 scopeHash, uint64 expiresAt) internal {
        uint256 nonce = consents.nonces(PATIENT);
        bytes memory sig = grantSig(CONTROLLER_KEY, granteeId, scopeHash, expiresAt, nonce);
        vm.prank(RELAYER);
        consents.grantWithSig(PATIENT, granteeId, scopeHash, expiresAt, nonce, sig);
    }

    /// @dev The EIP-712 digest computed here from the specification, independently of the contract.
    function expectedDigest(bytes32 structHash, uint256 chainId, address verifyingContract)
        internal
        pure
        returns (bytes32)
    {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("EHR ConsentRegistry"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    // ---- construction, domain, digests ----

    function test_constructorRevertsWhenThePatientRegistryHasNoCode() public {
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidPatientRegistry.selector, address(0xBEEF))
        );
        new ConsentRegistry(address(0xBEEF));
    }

    function test_patientRegistryIsTheOneGivenToTheConstructor() public view {
        assertEq(consents.patientRegistry(), address(patients), "patientRegistry");
    }

    function test_eip712DomainIsNamedEhrConsentRegistryVersion1() public view {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            consents.eip712Domain();
        assertEq(name, "EHR ConsentRegistry", "name");
        assertEq(version, "1", "version");
        assertEq(chainId, block.chainid, "chainId");
        assertEq(verifyingContract, address(consents), "verifyingContract");
    }

    function test_typeHashesMatchTheDocumentedTypes() public view {
        assertEq(
            consents.GRANT_TYPEHASH(),
            keccak256("Grant(bytes32 patientId,bytes32 granteeId,bytes32 scopeHash,uint64 expiresAt,uint256 nonce)"),
            "GRANT_TYPEHASH"
        );
        assertEq(
            consents.REVOKE_TYPEHASH(),
            keccak256("Revoke(bytes32 patientId,bytes32 granteeId,bytes32 scopeHash,uint256 nonce)"),
            "REVOKE_TYPEHASH"
        );
    }

    function testFuzz_grantDigestFollowsEip712(
        bytes32 patientId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint64 expiresAt,
        uint256 nonce
    ) public view {
        bytes32 structHash = keccak256(
            abi.encode(consents.GRANT_TYPEHASH(), patientId, granteeId, scopeHash, expiresAt, nonce)
        );
        assertEq(
            consents.grantDigest(patientId, granteeId, scopeHash, expiresAt, nonce),
            expectedDigest(structHash, block.chainid, address(consents)),
            "grantDigest"
        );
    }

    function testFuzz_revokeDigestFollowsEip712(bytes32 patientId, bytes32 granteeId, bytes32 scopeHash, uint256 nonce)
        public
        view
    {
        bytes32 structHash = keccak256(abi.encode(consents.REVOKE_TYPEHASH(), patientId, granteeId, scopeHash, nonce));
        assertEq(
            consents.revokeDigest(patientId, granteeId, scopeHash, nonce),
            expectedDigest(structHash, block.chainid, address(consents)),
            "revokeDigest"
        );
    }

    /// @dev The same fixed vector as ConsentTypedDataTest (Java): chain 31337, contract 0x…c0de.
    function test_digestsOfTheFixedVectorMatchTheJavaEncoder() public {
        vm.chainId(31337);
        address fixedAddress = address(0xC0DE);
        vm.etch(fixedAddress, address(consents).code);
        ConsentRegistry atFixed = ConsentRegistry(fixedAddress);
        bytes32 patientId = 0x1000000000000000000000000000000000000000000000000000000000000001;
        bytes32 granteeId = 0x2000000000000000000000000000000000000000000000000000000000000002;
        bytes32 scopeHash = 0x3000000000000000000000000000000000000000000000000000000000000003;
        assertEq(
            atFixed.grantDigest(patientId, granteeId, scopeHash, 1_893_456_000, 7),
            0x7194361d1b8bafa28573088f8957b83c3d54544155432e8365e6c82ecff9f3fd,
            "grantDigest of the fixed vector"
        );
        assertEq(
            atFixed.revokeDigest(patientId, granteeId, scopeHash, 8),
            0x93c1cfa48f83acba27024247c534e5e3dbb8ba3b545f9cfaf142ff2f80fca168,
            "revokeDigest of the fixed vector"
        );
    }

    // ---- grantWithSig ----

    function testFuzz_signedGrantIsRecordedByAnyRelayer(
        address relayer,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint64 expiresAt
    ) public {
        expiresAt = uint64(bound(expiresAt, START + 1, type(uint64).max));
        bytes memory sig = grantSig(CONTROLLER_KEY, granteeId, scopeHash, expiresAt, 0);

        vm.expectEmit(address(consents));
        emit ConsentRegistry.ConsentGranted(PATIENT, granteeId, scopeHash, expiresAt, 0);
        vm.prank(relayer);
        consents.grantWithSig(PATIENT, granteeId, scopeHash, expiresAt, 0, sig);

        assertTrue(consents.isPermitted(PATIENT, granteeId, scopeHash), "isPermitted");
        (uint64 storedExpiry, bool active) = consents.consentOf(PATIENT, granteeId, scopeHash);
        assertEq(storedExpiry, expiresAt, "expiresAt");
        assertTrue(active, "active");
        assertEq(consents.nonces(PATIENT), 1, "nonce bumped");
    }

    function testFuzz_grantPermitsOnlyItsGranteeAndScope(bytes32 otherGrantee, bytes32 otherScope) public {
        vm.assume(otherGrantee != GRANTEE && otherScope != SCOPE);
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        assertFalse(consents.isPermitted(PATIENT, otherGrantee, SCOPE), "other grantee");
        assertFalse(consents.isPermitted(PATIENT, GRANTEE, otherScope), "other scope");
        assertFalse(consents.isPermitted(keccak256("patient-2"), GRANTEE, SCOPE), "other patient");
    }

    function testFuzz_grantStopsPermittingAtItsExpiry(uint64 expiresAt) public {
        expiresAt = uint64(bound(expiresAt, START + 1, type(uint64).max));
        grant(GRANTEE, SCOPE, expiresAt);
        vm.warp(expiresAt - 1);
        assertTrue(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "permitted before expiry");
        vm.warp(expiresAt);
        assertFalse(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "not permitted at expiry");
        (uint64 storedExpiry, bool active) = consents.consentOf(PATIENT, GRANTEE, SCOPE);
        assertEq(storedExpiry, expiresAt, "expiry kept");
        assertTrue(active, "still active (never revoked)");
    }

    function test_aNewGrantReplacesTheExpiryOfAnActiveOne() public {
        grant(GRANTEE, SCOPE, uint64(START + 30 days));
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        (uint64 storedExpiry,) = consents.consentOf(PATIENT, GRANTEE, SCOPE);
        assertEq(storedExpiry, START + 1 days, "shortened");
        assertEq(consents.nonces(PATIENT), 2, "two nonces used");
    }

    function testFuzz_grantRevertsForAnExpiryNotInTheFuture(uint64 expiresAt) public {
        expiresAt = uint64(bound(expiresAt, 0, START));
        bytes memory sig = grantSig(CONTROLLER_KEY, GRANTEE, SCOPE, expiresAt, 0);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryExpired.selector, expiresAt, START));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, sig);
        assertEq(consents.nonces(PATIENT), 0, "nonce unchanged");
    }

    function testFuzz_grantRevertsForAnUnknownPatient(bytes32 patientId) public {
        vm.assume(patientId != PATIENT);
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = signDigest(CONTROLLER_KEY, consents.grantDigest(patientId, GRANTEE, SCOPE, expiresAt, 0));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryUnknownPatient.selector, patientId));
        consents.grantWithSig(patientId, GRANTEE, SCOPE, expiresAt, 0, sig);
    }

    function test_aReplayedGrantReverts() public {
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = grantSig(CONTROLLER_KEY, GRANTEE, SCOPE, expiresAt, 0);
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, sig);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidNonce.selector, PATIENT, 1, 0));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, sig);
        assertEq(consents.nonces(PATIENT), 1, "nonce used once");
    }

    function testFuzz_grantRevertsForAnyNonceButTheCurrentOne(uint256 nonce) public {
        vm.assume(nonce != 0);
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = grantSig(CONTROLLER_KEY, GRANTEE, SCOPE, expiresAt, nonce);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidNonce.selector, PATIENT, 0, nonce));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, nonce, sig);
    }

    function testFuzz_grantSignedByAnotherKeyRevertsNamingTheSigner(uint256 key) public {
        key = boundKey(key);
        vm.assume(key != CONTROLLER_KEY);
        uint64 expiresAt = uint64(START + 1 days);
        bytes memory sig = grantSig(key, GRANTEE, SCOPE, expiresAt, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSigner.selector, vm.addr(key), controller)
        );
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, sig);
        assertFalse(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "not permitted");
    }

    function testFuzz_grantWithAChangedFieldReverts(bytes32 otherGrantee, uint64 otherExpiry) public {
        vm.assume(otherGrantee != GRANTEE);
        uint64 expiresAt = uint64(START + 1 days);
        otherExpiry = uint64(bound(otherExpiry, START + 1, type(uint64).max));
        vm.assume(otherExpiry != expiresAt);
        bytes memory sig = grantSig(CONTROLLER_KEY, GRANTEE, SCOPE, expiresAt, 0);

        vm.expectPartialRevert(ConsentRegistry.ConsentRegistryInvalidSigner.selector);
        consents.grantWithSig(PATIENT, otherGrantee, SCOPE, expiresAt, 0, sig);
        vm.expectPartialRevert(ConsentRegistry.ConsentRegistryInvalidSigner.selector);
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, otherExpiry, 0, sig);
    }

    function test_grantSignedForAnotherChainReverts() public {
        uint64 expiresAt = uint64(START + 1 days);
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes memory sig = grantSig(CONTROLLER_KEY, GRANTEE, SCOPE, expiresAt, 0);
        vm.chainId(chainId);
        vm.expectPartialRevert(ConsentRegistry.ConsentRegistryInvalidSigner.selector);
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, sig);
    }

    function test_grantSignedByThePreviousControllerRevertsAfterAChange() public {
        uint256 nextKey = 0xBEEF;
        vm.prank(controller);
        patients.changeController(PATIENT, vm.addr(nextKey));

        uint64 expiresAt = uint64(START + 1 days);
        bytes memory oldSig = grantSig(CONTROLLER_KEY, GRANTEE, SCOPE, expiresAt, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSigner.selector, controller, vm.addr(nextKey))
        );
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, oldSig);

        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, grantSig(nextKey, GRANTEE, SCOPE, expiresAt, 0));
        assertTrue(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "new controller's grant works");
    }

    function testFuzz_grantRevertsForASignatureOfWrongLength(bytes memory sig) public {
        vm.assume(sig.length != 65);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, uint64(START + 1), 0, sig);
    }

    function testFuzz_grantRevertsForVOtherThan27Or28(uint8 v) public {
        vm.assume(v != 27 && v != 28);
        uint64 expiresAt = uint64(START + 1 days);
        (, bytes32 r, bytes32 s) = vm.sign(CONTROLLER_KEY, consents.grantDigest(PATIENT, GRANTEE, SCOPE, expiresAt, 0));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, abi.encodePacked(r, s, v));
    }

    function test_grantRevertsForTheMalleableHighSTwinOfAValidSignature() public {
        uint64 expiresAt = uint64(START + 1 days);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(CONTROLLER_KEY, consents.grantDigest(PATIENT, GRANTEE, SCOPE, expiresAt, 0));
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 flippedV = v == 27 ? 28 : 27;
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector));
        consents.grantWithSig(PATIENT, GRANTEE, SCOPE, expiresAt, 0, abi.encodePacked(r, highS, flippedV));
        assertEq(consents.nonces(PATIENT), 0, "nonce unchanged");
    }

    // ---- revokeWithSig ----

    function testFuzz_signedRevocationRemovesTheGrant(address relayer, bytes32 granteeId, bytes32 scopeHash) public {
        grant(granteeId, scopeHash, uint64(START + 1 days));
        bytes memory sig = revokeSig(CONTROLLER_KEY, granteeId, scopeHash, 1);

        vm.expectEmit(address(consents));
        emit ConsentRegistry.ConsentRevoked(PATIENT, granteeId, scopeHash, 1);
        vm.prank(relayer);
        consents.revokeWithSig(PATIENT, granteeId, scopeHash, 1, sig);

        assertFalse(consents.isPermitted(PATIENT, granteeId, scopeHash), "isPermitted");
        (uint64 storedExpiry, bool active) = consents.consentOf(PATIENT, granteeId, scopeHash);
        assertEq(storedExpiry, 0, "expiresAt cleared");
        assertFalse(active, "inactive");
        assertEq(consents.nonces(PATIENT), 2, "nonce bumped");
    }

    function test_anExpiredGrantCanStillBeRevoked() public {
        grant(GRANTEE, SCOPE, uint64(START + 1));
        vm.warp(START + 10);
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 1, revokeSig(CONTROLLER_KEY, GRANTEE, SCOPE, 1));
        (, bool active) = consents.consentOf(PATIENT, GRANTEE, SCOPE);
        assertFalse(active, "inactive");
    }

    function test_revokingAGrantThatDoesNotExistReverts() public {
        bytes memory sig = revokeSig(CONTROLLER_KEY, GRANTEE, SCOPE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryNotGranted.selector, PATIENT, GRANTEE, SCOPE)
        );
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 0, sig);
        assertEq(consents.nonces(PATIENT), 0, "nonce unchanged");
    }

    function test_revokingTwiceReverts() public {
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 1, revokeSig(CONTROLLER_KEY, GRANTEE, SCOPE, 1));
        bytes memory second = revokeSig(CONTROLLER_KEY, GRANTEE, SCOPE, 2);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryNotGranted.selector, PATIENT, GRANTEE, SCOPE)
        );
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 2, second);
    }

    function test_aReplayedRevocationReverts() public {
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        bytes memory sig = revokeSig(CONTROLLER_KEY, GRANTEE, SCOPE, 1);
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 1, sig);
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidNonce.selector, PATIENT, 3, 1));
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 1, sig);
        assertTrue(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "re-grant stands");
    }

    function testFuzz_revocationRevertsForAnUnknownPatient(bytes32 patientId) public {
        vm.assume(patientId != PATIENT);
        bytes memory sig = signDigest(CONTROLLER_KEY, consents.revokeDigest(patientId, GRANTEE, SCOPE, 0));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryUnknownPatient.selector, patientId));
        consents.revokeWithSig(patientId, GRANTEE, SCOPE, 0, sig);
    }

    function testFuzz_revocationSignedByAnotherKeyReverts(uint256 key) public {
        key = boundKey(key);
        vm.assume(key != CONTROLLER_KEY);
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        bytes memory sig = revokeSig(key, GRANTEE, SCOPE, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSigner.selector, vm.addr(key), controller)
        );
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 1, sig);
        assertTrue(consents.isPermitted(PATIENT, GRANTEE, SCOPE), "grant stands");
    }

    function test_revocationRevertsForAStaleNonce() public {
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        bytes memory sig = revokeSig(CONTROLLER_KEY, GRANTEE, SCOPE, 0);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidNonce.selector, PATIENT, 1, 0));
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 0, sig);
    }

    function test_revocationRevertsForAMalformedSignature() public {
        grant(GRANTEE, SCOPE, uint64(START + 1 days));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector));
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 1, new bytes(64));
    }

    function test_aGrantSignatureCannotBeUsedAsARevocation() public {
        uint64 expiresAt = uint64(START + 1 days);
        grant(GRANTEE, SCOPE, expiresAt);
        bytes memory grantSignature = grantSig(CONTROLLER_KEY, GRANTEE, SCOPE, expiresAt, 1);
        vm.expectPartialRevert(ConsentRegistry.ConsentRegistryInvalidSigner.selector);
        consents.revokeWithSig(PATIENT, GRANTEE, SCOPE, 1, grantSignature);
    }
}
