// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title OrganizationRegistry
 * @notice The members of an exchange network: one entry per installation (a hospital's own copy of
 * the platform), keyed by a `bytes32` organisation id, with its name, exchange endpoint, the address
 * whose secp256k1 key signs its exchange requests (ES256K JWS), its encryption public key (a
 * serialized Tink hybrid public keyset, which peers seal released records to), the addresses of its
 * own PatientRegistry, ConsentRegistry and AnchorRegistry, its controller and its status.
 * @dev Deployed once per network. Admitting, suspending and reinstating a member is the network
 * governance's (`GOVERNOR_ROLE`); a member changes its own endpoint, keys and registries through its
 * controller address, so governance cannot impersonate a member and a member cannot admit itself.
 * When a signer is rotated out, the time of the rotation is kept: `isSigner` still accepts the old
 * signer for requests signed at or before that time, so requests in flight during a rotation verify.
 * A suspended member's signers (current and former) are not valid at all. Nothing identifying a
 * person is stored here: only organisations.
 */
contract OrganizationRegistry is AccessControl {
    /// @notice Role allowed to admit, suspend and reinstate members.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    /// @notice A member's status; `NONE` means the id was never admitted.
    enum Status {
        NONE,
        ACTIVE,
        SUSPENDED
    }

    /**
     * @notice One member of the network.
     * @dev `name`: display name. `endpoint`: base URL of its exchange API (e.g.
     * `https://ehr.hospital-b.example/exchange/v1`). `signer`: address of the key that signs its
     * exchange requests. `encryptionKey`: serialized Tink hybrid public keyset; empty while not yet
     * published. `patientRegistry`, `consentRegistry`, `anchorRegistry`: its own contracts (zero when
     * it has none). `controller`: the member's own account, the only one that may change the entry's
     * endpoint, keys and registries. `status`: ACTIVE or SUSPENDED. `updatedAt`: block timestamp of the
     * last change.
     */
    struct Organization {
        string name;
        string endpoint;
        address signer;
        bytes encryptionKey;
        address patientRegistry;
        address consentRegistry;
        address anchorRegistry;
        address controller;
        Status status;
        uint64 updatedAt;
    }

    mapping(bytes32 organizationId => Organization) private _organizations;

    bytes32[] private _organizationIds;

    /// @dev When each former signer was rotated out (block timestamp); 0 when it never was.
    mapping(bytes32 organizationId => mapping(address signer => uint64 rotatedOutAt)) private _rotatedOut;

    /**
     * @notice Emitted when governance admitted a member (status ACTIVE).
     * @dev The event carries the fields peers need first; `organization(organizationId)` has the
     * whole entry (encryption key and registries included).
     * @param organizationId the member's id
     * @param name its display name
     * @param endpoint base URL of its exchange API
     * @param signer address of its request-signing key
     * @param controller the member's own account
     */
    event OrganizationAdmitted(
        bytes32 indexed organizationId, string name, string endpoint, address signer, address controller
    );

    /**
     * @notice Emitted when governance suspended a member: its signatures are no longer valid.
     * @param organizationId the member's id
     */
    event OrganizationSuspended(bytes32 indexed organizationId);

    /**
     * @notice Emitted when governance reinstated a suspended member.
     * @param organizationId the member's id
     */
    event OrganizationReinstated(bytes32 indexed organizationId);

    /**
     * @notice Emitted when a member changed its exchange endpoint.
     * @param organizationId the member's id
     * @param endpoint the new base URL of its exchange API
     */
    event EndpointChanged(bytes32 indexed organizationId, string endpoint);

    /**
     * @notice Emitted when a member rotated its request-signing key.
     * @param organizationId the member's id
     * @param previous the signer rotated out (still valid for requests signed up to this block's time)
     * @param current the new signer
     */
    event SignerRotated(bytes32 indexed organizationId, address previous, address current);

    /**
     * @notice Emitted when a member published a new encryption public key.
     * @param organizationId the member's id
     * @param encryptionKey the new serialized Tink hybrid public keyset
     */
    event EncryptionKeyRotated(bytes32 indexed organizationId, bytes encryptionKey);

    /**
     * @notice Emitted when a member changed the addresses of its own registries.
     * @param organizationId the member's id
     * @param patientRegistry its PatientRegistry
     * @param consentRegistry its ConsentRegistry
     * @param anchorRegistry its AnchorRegistry
     */
    event RegistriesChanged(
        bytes32 indexed organizationId, address patientRegistry, address consentRegistry, address anchorRegistry
    );

    /// @notice An address argument that must be set was the zero address.
    error OrganizationRegistryZeroAddress();

    /// @notice The zero organisation id is reserved and cannot be admitted.
    error OrganizationRegistryZeroOrganizationId();

    /// @notice A member's name or endpoint was empty.
    error OrganizationRegistryEmptyField();

    /// @notice The organisation id is already admitted.
    error OrganizationRegistryAlreadyAdmitted(bytes32 organizationId);

    /// @notice The organisation id was never admitted.
    error OrganizationRegistryUnknownOrganization(bytes32 organizationId);

    /// @notice The member's status does not allow this change (suspend an ACTIVE one, reinstate a SUSPENDED one).
    error OrganizationRegistryInvalidStatus(bytes32 organizationId, Status status);

    /// @notice `caller` is not the member's controller.
    error OrganizationRegistryNotController(bytes32 organizationId, address caller);

    /// @notice The new signer is the current one; nothing would change.
    error OrganizationRegistrySignerUnchanged(bytes32 organizationId, address signer);

    /**
     * @notice Creates the registry.
     * @param admin receives `DEFAULT_ADMIN_ROLE` and thereby decides who holds `GOVERNOR_ROLE`
     */
    constructor(address admin) {
        if (admin == address(0)) revert OrganizationRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /**
     * @notice Admits a member, ACTIVE from now on.
     * @dev `entry.status` and `entry.updatedAt` are ignored (set to ACTIVE and the block's time).
     * Reverts for a zero id, an id already admitted, an empty name or endpoint, or a zero signer or
     * controller. The encryption key may be empty until the member publishes it
     * (`rotateEncryptionKey`); registry addresses may be zero.
     * @param organizationId the member's id (e.g. keccak256 of its agreed name)
     * @param entry the member's name, endpoint, keys, registries and controller
     */
    function admit(bytes32 organizationId, Organization calldata entry) external onlyRole(GOVERNOR_ROLE) {
        if (organizationId == bytes32(0)) revert OrganizationRegistryZeroOrganizationId();
        if (_organizations[organizationId].status != Status.NONE) {
            revert OrganizationRegistryAlreadyAdmitted(organizationId);
        }
        if (bytes(entry.name).length == 0 || bytes(entry.endpoint).length == 0) {
            revert OrganizationRegistryEmptyField();
        }
        if (entry.signer == address(0) || entry.controller == address(0)) revert OrganizationRegistryZeroAddress();
        Organization storage stored = _organizations[organizationId];
        stored.name = entry.name;
        stored.endpoint = entry.endpoint;
        stored.signer = entry.signer;
        stored.encryptionKey = entry.encryptionKey;
        stored.patientRegistry = entry.patientRegistry;
        stored.consentRegistry = entry.consentRegistry;
        stored.anchorRegistry = entry.anchorRegistry;
        stored.controller = entry.controller;
        stored.status = Status.ACTIVE;
        stored.updatedAt = uint64(block.timestamp);
        _organizationIds.push(organizationId);
        emit OrganizationAdmitted(organizationId, entry.name, entry.endpoint, entry.signer, entry.controller);
    }

    /**
     * @notice Suspends an ACTIVE member: `isSigner` is false for all its signers until it is reinstated.
     * @param organizationId the member's id
     */
    function suspend(bytes32 organizationId) external onlyRole(GOVERNOR_ROLE) {
        Organization storage stored = _existing(organizationId);
        if (stored.status != Status.ACTIVE) revert OrganizationRegistryInvalidStatus(organizationId, stored.status);
        stored.status = Status.SUSPENDED;
        stored.updatedAt = uint64(block.timestamp);
        emit OrganizationSuspended(organizationId);
    }

    /**
     * @notice Reinstates a SUSPENDED member.
     * @param organizationId the member's id
     */
    function reinstate(bytes32 organizationId) external onlyRole(GOVERNOR_ROLE) {
        Organization storage stored = _existing(organizationId);
        if (stored.status != Status.SUSPENDED) {
            revert OrganizationRegistryInvalidStatus(organizationId, stored.status);
        }
        stored.status = Status.ACTIVE;
        stored.updatedAt = uint64(block.timestamp);
        emit OrganizationReinstated(organizationId);
    }

    /**
     * @notice Changes the member's exchange endpoint. Only its controller; allowed while suspended.
     * @param organizationId the member's id
     * @param endpoint the new base URL, not empty
     */
    function setEndpoint(bytes32 organizationId, string calldata endpoint) external {
        Organization storage stored = _controlled(organizationId);
        if (bytes(endpoint).length == 0) revert OrganizationRegistryEmptyField();
        stored.endpoint = endpoint;
        stored.updatedAt = uint64(block.timestamp);
        emit EndpointChanged(organizationId, endpoint);
    }

    /**
     * @notice Rotates the member's request-signing key. Only its controller; allowed while suspended
     * (a member suspended over a leaked key rotates it before being reinstated).
     * @dev The previous signer stays valid in `isSigner` for requests signed at or before this
     * block's timestamp. A signer that is rotated back in is simply current again.
     * @param organizationId the member's id
     * @param signer the new signer, not zero and not the current one
     */
    function rotateSigner(bytes32 organizationId, address signer) external {
        Organization storage stored = _controlled(organizationId);
        if (signer == address(0)) revert OrganizationRegistryZeroAddress();
        address previous = stored.signer;
        if (signer == previous) revert OrganizationRegistrySignerUnchanged(organizationId, signer);
        uint64 nowSeconds = uint64(block.timestamp);
        _rotatedOut[organizationId][previous] = nowSeconds;
        delete _rotatedOut[organizationId][signer];
        stored.signer = signer;
        stored.updatedAt = nowSeconds;
        emit SignerRotated(organizationId, previous, signer);
    }

    /**
     * @notice Publishes a new encryption public key. Only its controller; allowed while suspended.
     * @dev Peers seal to the key current when they seal; the member keeps its old private keys as
     * long as sealed content may still arrive for them.
     * @param organizationId the member's id
     * @param encryptionKey the serialized Tink hybrid public keyset, not empty
     */
    function rotateEncryptionKey(bytes32 organizationId, bytes calldata encryptionKey) external {
        Organization storage stored = _controlled(organizationId);
        if (encryptionKey.length == 0) revert OrganizationRegistryEmptyField();
        stored.encryptionKey = encryptionKey;
        stored.updatedAt = uint64(block.timestamp);
        emit EncryptionKeyRotated(organizationId, encryptionKey);
    }

    /**
     * @notice Changes the addresses of the member's own registries. Only its controller.
     * @param organizationId the member's id
     * @param patientRegistry its PatientRegistry (zero when none)
     * @param consentRegistry its ConsentRegistry (zero when none)
     * @param anchorRegistry its AnchorRegistry (zero when none)
     */
    function setRegistries(
        bytes32 organizationId,
        address patientRegistry,
        address consentRegistry,
        address anchorRegistry
    ) external {
        Organization storage stored = _controlled(organizationId);
        stored.patientRegistry = patientRegistry;
        stored.consentRegistry = consentRegistry;
        stored.anchorRegistry = anchorRegistry;
        stored.updatedAt = uint64(block.timestamp);
        emit RegistriesChanged(organizationId, patientRegistry, consentRegistry, anchorRegistry);
    }

    /**
     * @notice A member's entry.
     * @param organizationId the member's id
     * @return the entry; all fields zero (status NONE) when the id was never admitted
     */
    function organization(bytes32 organizationId) external view returns (Organization memory) {
        return _organizations[organizationId];
    }

    /**
     * @notice Every admitted id, in admission order (suspended members included).
     * @return the ids
     */
    function organizationIds() external view returns (bytes32[] memory) {
        return _organizationIds;
    }

    /**
     * @notice Whether `signer` may sign the member's exchange requests made at `signedAt`.
     * @param organizationId the member's id
     * @param signer the address recovered from the request's signature
     * @param signedAt when the request says it was signed (unix seconds, the JWS `iat`)
     * @return true when the member is ACTIVE and `signer` is its current signer, or a former signer
     * rotated out at or after `signedAt`
     */
    function isSigner(bytes32 organizationId, address signer, uint64 signedAt) external view returns (bool) {
        Organization storage stored = _organizations[organizationId];
        if (stored.status != Status.ACTIVE || signer == address(0)) return false;
        if (signer == stored.signer) return true;
        uint64 rotatedOutAt = _rotatedOut[organizationId][signer];
        return rotatedOutAt != 0 && signedAt <= rotatedOutAt;
    }

    /// @dev The entry of an admitted member; reverts for an unknown id.
    function _existing(bytes32 organizationId) private view returns (Organization storage stored) {
        stored = _organizations[organizationId];
        if (stored.status == Status.NONE) revert OrganizationRegistryUnknownOrganization(organizationId);
    }

    /// @dev The entry of an admitted member whose controller is the caller; reverts otherwise.
    function _controlled(bytes32 organizationId) private view returns (Organization storage stored) {
        stored = _existing(organizationId);
        if (msg.sender != stored.controller) revert OrganizationRegistryNotController(organizationId, msg.sender);
    }
}
