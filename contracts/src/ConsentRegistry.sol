// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {PatientRegistry} from "./PatientRegistry.sol";

/**
 * @title ConsentRegistry
 * @notice Records which grantee may read which scope of a patient's records, and until when.
 * Every grant and revocation carries an EIP-712 signature of the patient's controller as
 * registered in `PatientRegistry`; the platform only relays it and cannot forge a consent.
 * @dev Submission is deliberately permissionless: the signature is the authority, so any account
 * may relay a signed grant or revocation (and pays its gas). Restricting relaying to a role
 * would add no protection (a relayer can only submit what the controller signed) but would let
 * the operator censor a patient's own revocation. Each signature names the patient's current
 * nonce, which is bumped on use, so a signature works once and in the order it was made.
 * EIP-712 domain: name "EHR ConsentRegistry", version "1", the chain id and this contract.
 * A scope is identified by `scopeHash`, a hash computed off chain (categories, record ids, or
 * "all"); the contract does not interpret it.
 *
 * Remote grants (a grantee of another installation of the exchange network): a separate path
 * (`grantRemoteWithSig`, `revokeRemoteWithSig`, `isPermittedRemote`, `consentOfRemote`, the
 * `GrantRemote` / `RevokeRemote` EIP-712 types and the `ConsentGrantedRemote` /
 * `ConsentRevokedRemote` events) names both the grantee's organisation (its `OrganizationRegistry`
 * id) and the grantee's id as that organisation computes it. The local path (`grantWithSig` and
 * friends, their type hashes and events) is unchanged bit for bit, so every existing signature,
 * digest and log consumer keeps working; a remote grant is stored apart from local ones and never
 * satisfies `isPermitted`. Both paths share the patient's nonce, so signatures of either kind are
 * used once and in order. The contract does not consult `OrganizationRegistry`: whether the named
 * organisation is a member is checked off chain by the installation submitting the grant and by
 * the grantee's installation reading it.
 */
contract ConsentRegistry is EIP712 {
    /// @notice EIP-712 type hash of `Grant`.
    bytes32 public constant GRANT_TYPEHASH =
        keccak256("Grant(bytes32 patientId,bytes32 granteeId,bytes32 scopeHash,uint64 expiresAt,uint256 nonce)");

    /// @notice EIP-712 type hash of `Revoke`.
    bytes32 public constant REVOKE_TYPEHASH =
        keccak256("Revoke(bytes32 patientId,bytes32 granteeId,bytes32 scopeHash,uint256 nonce)");

    /// @notice EIP-712 type hash of `GrantRemote` (a grant to a party of another organisation).
    bytes32 public constant GRANT_REMOTE_TYPEHASH = keccak256(
        "GrantRemote(bytes32 patientId,bytes32 granteeOrganizationId,bytes32 granteeId,bytes32 scopeHash,uint64 expiresAt,uint256 nonce)"
    );

    /// @notice EIP-712 type hash of `RevokeRemote` (revoking a grant to a party of another organisation).
    bytes32 public constant REVOKE_REMOTE_TYPEHASH = keccak256(
        "RevokeRemote(bytes32 patientId,bytes32 granteeOrganizationId,bytes32 granteeId,bytes32 scopeHash,uint256 nonce)"
    );

    PatientRegistry private immutable _patients;

    /// @dev Expiry of each active grant; 0 when never granted or revoked (a grant always expires
    /// in the future, so 0 cannot be a real expiry).
    mapping(bytes32 patientId => mapping(bytes32 granteeId => mapping(bytes32 scopeHash => uint64 expiresAt))) private
        _expiries;

    /// @dev Expiry of each active remote grant, as `_expiries` but also keyed by the grantee's organisation.
    mapping(
        bytes32 patientId
            => mapping(
            bytes32 granteeOrganizationId
                => mapping(bytes32 granteeId => mapping(bytes32 scopeHash => uint64 expiresAt))
        )
    ) private _remoteExpiries;

    mapping(bytes32 patientId => uint256 nonce) private _nonces;

    /**
     * @notice Emitted when a signed grant was recorded (new, or replacing the expiry of an active one).
     * @param patientId the pseudonymous patient id
     * @param granteeId the party allowed to read (a practitioner or clinic id, hashed off chain)
     * @param scopeHash hash of the scope the grant covers
     * @param expiresAt unix time (seconds) from which the grant no longer permits reads
     * @param nonce the patient nonce the signature used
     */
    event ConsentGranted(
        bytes32 indexed patientId, bytes32 indexed granteeId, bytes32 indexed scopeHash, uint64 expiresAt, uint256 nonce
    );

    /**
     * @notice Emitted when a signed revocation removed a grant.
     * @param patientId the pseudonymous patient id
     * @param granteeId the party whose grant was removed
     * @param scopeHash hash of the scope the removed grant covered
     * @param nonce the patient nonce the signature used
     */
    event ConsentRevoked(
        bytes32 indexed patientId, bytes32 indexed granteeId, bytes32 indexed scopeHash, uint256 nonce
    );

    /**
     * @notice Emitted when a signed grant to a party of another organisation was recorded (new, or
     * replacing the expiry of an active one).
     * @dev Indexed, in this order: `granteeOrganizationId`, so that one log filter on that topic (and
     * the members' ConsentRegistry addresses) finds every consent naming an organisation across the
     * whole network; `granteeId`, so that the grantee's installation can narrow to one of its parties;
     * `patientId`, so that the holder and auditors can follow one patient as with `ConsentGranted`.
     * `scopeHash` is not indexed (three topics is the limit; nobody filters by scope alone) and is in
     * the data with `expiresAt` and `nonce`.
     * @param granteeOrganizationId the grantee's organisation (its `OrganizationRegistry` id)
     * @param granteeId the party allowed to read, as its organisation computes its id
     * @param patientId the pseudonymous patient id
     * @param scopeHash hash of the scope the grant covers
     * @param expiresAt unix time (seconds) from which the grant no longer permits reads
     * @param nonce the patient nonce the signature used
     */
    event ConsentGrantedRemote(
        bytes32 indexed granteeOrganizationId,
        bytes32 indexed granteeId,
        bytes32 indexed patientId,
        bytes32 scopeHash,
        uint64 expiresAt,
        uint256 nonce
    );

    /**
     * @notice Emitted when a signed revocation removed a grant to a party of another organisation.
     * @dev Indexed like `ConsentGrantedRemote`, so the same filter sees grants and revocations.
     * @param granteeOrganizationId the grantee's organisation
     * @param granteeId the party whose grant was removed
     * @param patientId the pseudonymous patient id
     * @param scopeHash hash of the scope the removed grant covered
     * @param nonce the patient nonce the signature used
     */
    event ConsentRevokedRemote(
        bytes32 indexed granteeOrganizationId,
        bytes32 indexed granteeId,
        bytes32 indexed patientId,
        bytes32 scopeHash,
        uint256 nonce
    );

    /// @notice The patient registry given to the constructor has no code.
    error ConsentRegistryInvalidPatientRegistry(address patientRegistry);

    /// @notice The patient is not registered in `PatientRegistry`.
    error ConsentRegistryUnknownPatient(bytes32 patientId);

    /// @notice The grant's expiry is not after the current block's timestamp.
    error ConsentRegistryExpired(uint64 expiresAt, uint256 blockTimestamp);

    /// @notice The signature names another nonce than the patient's current one (replayed or out of order).
    error ConsentRegistryInvalidNonce(bytes32 patientId, uint256 expected, uint256 given);

    /// @notice The signature is malformed (length, `s` in the upper half, or `v` not 27/28).
    error ConsentRegistryInvalidSignature();

    /// @notice The signature is valid but was made by `signer`, not by the patient's `controller`.
    error ConsentRegistryInvalidSigner(address signer, address controller);

    /// @notice There is no active grant to revoke for this patient, grantee and scope.
    error ConsentRegistryNotGranted(bytes32 patientId, bytes32 granteeId, bytes32 scopeHash);

    /// @notice A remote grant or revocation named the zero organisation id.
    error ConsentRegistryZeroOrganization();

    /// @notice There is no active remote grant to revoke for this patient, organisation, grantee and scope.
    error ConsentRegistryRemoteNotGranted(
        bytes32 patientId, bytes32 granteeOrganizationId, bytes32 granteeId, bytes32 scopeHash
    );

    /**
     * @notice Creates the registry bound to a patient registry.
     * @param patients the `PatientRegistry` whose controllers sign consents
     */
    constructor(address patients) EIP712("EHR ConsentRegistry", "1") {
        if (patients.code.length == 0) revert ConsentRegistryInvalidPatientRegistry(patients);
        _patients = PatientRegistry(patients);
    }

    /**
     * @notice Records a grant signed by the patient's controller.
     * @dev Anyone may submit (see the contract's notes). A grant for a patient, grantee and scope
     * that is already active is replaced, so the controller can shorten or extend it.
     * @param patientId the pseudonymous patient id
     * @param granteeId the party allowed to read
     * @param scopeHash hash of the scope the grant covers
     * @param expiresAt unix time (seconds) from which the grant no longer permits reads; must be in the future
     * @param nonce must equal `nonces(patientId)`
     * @param signature 65-byte r‖s‖v EIP-712 signature of `Grant` by the patient's controller
     */
    function grantWithSig(
        bytes32 patientId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint64 expiresAt,
        uint256 nonce,
        bytes calldata signature
    ) external {
        if (expiresAt <= block.timestamp) revert ConsentRegistryExpired(expiresAt, block.timestamp);
        _useSignedNonce(
            patientId,
            nonce,
            _hashTypedDataV4(keccak256(abi.encode(GRANT_TYPEHASH, patientId, granteeId, scopeHash, expiresAt, nonce))),
            signature
        );
        _expiries[patientId][granteeId][scopeHash] = expiresAt;
        emit ConsentGranted(patientId, granteeId, scopeHash, expiresAt, nonce);
    }

    /**
     * @notice Removes a grant, with a revocation signed by the patient's controller.
     * @dev Anyone may submit. A grant that has expired but was never revoked can still be revoked.
     * @param patientId the pseudonymous patient id
     * @param granteeId the party whose grant is removed
     * @param scopeHash hash of the scope of the grant
     * @param nonce must equal `nonces(patientId)`
     * @param signature 65-byte r‖s‖v EIP-712 signature of `Revoke` by the patient's controller
     */
    function revokeWithSig(
        bytes32 patientId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint256 nonce,
        bytes calldata signature
    ) external {
        _useSignedNonce(
            patientId,
            nonce,
            _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, patientId, granteeId, scopeHash, nonce))),
            signature
        );
        if (_expiries[patientId][granteeId][scopeHash] == 0) {
            revert ConsentRegistryNotGranted(patientId, granteeId, scopeHash);
        }
        delete _expiries[patientId][granteeId][scopeHash];
        emit ConsentRevoked(patientId, granteeId, scopeHash, nonce);
    }

    /**
     * @notice Whether a grantee may currently read a scope of a patient's records.
     * @param patientId the pseudonymous patient id
     * @param granteeId the party asking to read
     * @param scopeHash hash of the scope asked for
     * @return true when a grant is active and its expiry is after the current block's timestamp
     */
    function isPermitted(bytes32 patientId, bytes32 granteeId, bytes32 scopeHash) external view returns (bool) {
        return _expiries[patientId][granteeId][scopeHash] > block.timestamp;
    }

    /**
     * @notice The stored state of a grant.
     * @param patientId the pseudonymous patient id
     * @param granteeId the party the grant is for
     * @param scopeHash hash of the scope of the grant
     * @return expiresAt the grant's expiry, 0 when there is none
     * @return active true when granted and not revoked, even if the expiry has passed (see `isPermitted`)
     */
    function consentOf(bytes32 patientId, bytes32 granteeId, bytes32 scopeHash)
        external
        view
        returns (uint64 expiresAt, bool active)
    {
        expiresAt = _expiries[patientId][granteeId][scopeHash];
        active = expiresAt != 0;
    }

    /**
     * @notice The nonce the patient's next signed grant or revocation must use.
     * @param patientId the pseudonymous patient id
     * @return the current nonce, starting at 0
     */
    function nonces(bytes32 patientId) external view returns (uint256) {
        return _nonces[patientId];
    }

    /**
     * @notice The EIP-712 digest a controller signs for a grant (for off-chain signers and tests).
     * @dev Same arguments as `grantWithSig` without the signature.
     * @return the digest `grantWithSig` recovers the signer from
     */
    function grantDigest(bytes32 patientId, bytes32 granteeId, bytes32 scopeHash, uint64 expiresAt, uint256 nonce)
        external
        view
        returns (bytes32)
    {
        return
            _hashTypedDataV4(keccak256(abi.encode(GRANT_TYPEHASH, patientId, granteeId, scopeHash, expiresAt, nonce)));
    }

    /**
     * @notice The EIP-712 digest a controller signs for a revocation (for off-chain signers and tests).
     * @dev Same arguments as `revokeWithSig` without the signature.
     * @return the digest `revokeWithSig` recovers the signer from
     */
    function revokeDigest(bytes32 patientId, bytes32 granteeId, bytes32 scopeHash, uint256 nonce)
        external
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, patientId, granteeId, scopeHash, nonce)));
    }

    /**
     * @notice Records a grant to a party of another organisation, signed by the patient's controller.
     * @dev As `grantWithSig`, with the grantee's organisation in the signed data (`GrantRemote`).
     * @param patientId the pseudonymous patient id
     * @param granteeOrganizationId the grantee's organisation (its `OrganizationRegistry` id), not zero
     * @param granteeId the party allowed to read, as its organisation computes its id
     * @param scopeHash hash of the scope the grant covers
     * @param expiresAt unix time (seconds) from which the grant no longer permits reads; must be in the future
     * @param nonce must equal `nonces(patientId)`
     * @param signature 65-byte r‖s‖v EIP-712 signature of `GrantRemote` by the patient's controller
     */
    function grantRemoteWithSig(
        bytes32 patientId,
        bytes32 granteeOrganizationId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint64 expiresAt,
        uint256 nonce,
        bytes calldata signature
    ) external {
        if (granteeOrganizationId == bytes32(0)) revert ConsentRegistryZeroOrganization();
        if (expiresAt <= block.timestamp) revert ConsentRegistryExpired(expiresAt, block.timestamp);
        _useSignedNonce(
            patientId,
            nonce,
            _grantRemoteDigest(patientId, granteeOrganizationId, granteeId, scopeHash, expiresAt, nonce),
            signature
        );
        _remoteExpiries[patientId][granteeOrganizationId][granteeId][scopeHash] = expiresAt;
        emit ConsentGrantedRemote(granteeOrganizationId, granteeId, patientId, scopeHash, expiresAt, nonce);
    }

    /**
     * @notice Removes a grant to a party of another organisation, with a revocation signed by the
     * patient's controller.
     * @dev As `revokeWithSig`, with the grantee's organisation in the signed data (`RevokeRemote`).
     * @param patientId the pseudonymous patient id
     * @param granteeOrganizationId the grantee's organisation, not zero
     * @param granteeId the party whose grant is removed
     * @param scopeHash hash of the scope of the grant
     * @param nonce must equal `nonces(patientId)`
     * @param signature 65-byte r‖s‖v EIP-712 signature of `RevokeRemote` by the patient's controller
     */
    function revokeRemoteWithSig(
        bytes32 patientId,
        bytes32 granteeOrganizationId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint256 nonce,
        bytes calldata signature
    ) external {
        if (granteeOrganizationId == bytes32(0)) revert ConsentRegistryZeroOrganization();
        _useSignedNonce(
            patientId,
            nonce,
            _revokeRemoteDigest(patientId, granteeOrganizationId, granteeId, scopeHash, nonce),
            signature
        );
        if (_remoteExpiries[patientId][granteeOrganizationId][granteeId][scopeHash] == 0) {
            revert ConsentRegistryRemoteNotGranted(patientId, granteeOrganizationId, granteeId, scopeHash);
        }
        delete _remoteExpiries[patientId][granteeOrganizationId][granteeId][scopeHash];
        emit ConsentRevokedRemote(granteeOrganizationId, granteeId, patientId, scopeHash, nonce);
    }

    /**
     * @notice Whether a party of another organisation may currently read a scope of a patient's records.
     * @param patientId the pseudonymous patient id
     * @param granteeOrganizationId the grantee's organisation
     * @param granteeId the party asking to read
     * @param scopeHash hash of the scope asked for
     * @return true when a remote grant is active and its expiry is after the current block's timestamp
     */
    function isPermittedRemote(bytes32 patientId, bytes32 granteeOrganizationId, bytes32 granteeId, bytes32 scopeHash)
        external
        view
        returns (bool)
    {
        return _remoteExpiries[patientId][granteeOrganizationId][granteeId][scopeHash] > block.timestamp;
    }

    /**
     * @notice The stored state of a remote grant.
     * @param patientId the pseudonymous patient id
     * @param granteeOrganizationId the grantee's organisation
     * @param granteeId the party the grant is for
     * @param scopeHash hash of the scope of the grant
     * @return expiresAt the grant's expiry, 0 when there is none
     * @return active true when granted and not revoked, even if the expiry has passed
     */
    function consentOfRemote(bytes32 patientId, bytes32 granteeOrganizationId, bytes32 granteeId, bytes32 scopeHash)
        external
        view
        returns (uint64 expiresAt, bool active)
    {
        expiresAt = _remoteExpiries[patientId][granteeOrganizationId][granteeId][scopeHash];
        active = expiresAt != 0;
    }

    /**
     * @notice The EIP-712 digest a controller signs for a remote grant.
     * @dev Same arguments as `grantRemoteWithSig` without the signature.
     * @return the digest `grantRemoteWithSig` recovers the signer from
     */
    function grantRemoteDigest(
        bytes32 patientId,
        bytes32 granteeOrganizationId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint64 expiresAt,
        uint256 nonce
    ) external view returns (bytes32) {
        return _grantRemoteDigest(patientId, granteeOrganizationId, granteeId, scopeHash, expiresAt, nonce);
    }

    /**
     * @notice The EIP-712 digest a controller signs for a remote revocation.
     * @dev Same arguments as `revokeRemoteWithSig` without the signature.
     * @return the digest `revokeRemoteWithSig` recovers the signer from
     */
    function revokeRemoteDigest(
        bytes32 patientId,
        bytes32 granteeOrganizationId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint256 nonce
    ) external view returns (bytes32) {
        return _revokeRemoteDigest(patientId, granteeOrganizationId, granteeId, scopeHash, nonce);
    }

    /**
     * @notice The patient registry whose controllers sign consents.
     * @return the `PatientRegistry` address given to the constructor
     */
    function patientRegistry() external view returns (address) {
        return address(_patients);
    }

    /**
     * @dev Checks that the patient is registered, that `nonce` is the patient's current nonce and
     * that `signature` over `digest` comes from the patient's controller; then bumps the nonce.
     */
    function _useSignedNonce(bytes32 patientId, uint256 nonce, bytes32 digest, bytes calldata signature) private {
        address controller = _patients.controllerOf(patientId);
        if (controller == address(0)) revert ConsentRegistryUnknownPatient(patientId);
        uint256 expected = _nonces[patientId];
        if (nonce != expected) revert ConsentRegistryInvalidNonce(patientId, expected, nonce);
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (error != ECDSA.RecoverError.NoError) revert ConsentRegistryInvalidSignature();
        if (signer != controller) revert ConsentRegistryInvalidSigner(signer, controller);
        unchecked {
            _nonces[patientId] = expected + 1; // cannot overflow: one increment per transaction
        }
    }

    /// @dev The EIP-712 digest of a `GrantRemote`.
    function _grantRemoteDigest(
        bytes32 patientId,
        bytes32 granteeOrganizationId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint64 expiresAt,
        uint256 nonce
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    GRANT_REMOTE_TYPEHASH, patientId, granteeOrganizationId, granteeId, scopeHash, expiresAt, nonce
                )
            )
        );
    }

    /// @dev The EIP-712 digest of a `RevokeRemote`.
    function _revokeRemoteDigest(
        bytes32 patientId,
        bytes32 granteeOrganizationId,
        bytes32 granteeId,
        bytes32 scopeHash,
        uint256 nonce
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(REVOKE_REMOTE_TYPEHASH, patientId, granteeOrganizationId, granteeId, scopeHash, nonce))
        );
    }
}
