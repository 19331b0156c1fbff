// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title PatientRegistry
 * @notice Maps a patient's pseudonymous on-chain id to the address that controls the patient's
 * consents (the key that signs EIP-712 grants and revocations for `ConsentRegistry`).
 * @dev The id is a keyed hash computed off chain; it cannot be linked to a person without the
 * platform's salt. Only holders of `REGISTRAR_ROLE` (the platform's chain writer) register
 * patients; afterwards only the current controller can hand control to another address, so the
 * operator cannot take over a patient's consents once they are registered.
 */
contract PatientRegistry is AccessControl {
    /// @notice Role allowed to register new patients.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    mapping(bytes32 patientId => address controller) private _controllers;

    /**
     * @notice Emitted when a patient is registered with its first controller.
     * @param patientId the pseudonymous patient id
     * @param controller the address allowed to sign the patient's consents
     */
    event PatientRegistered(bytes32 indexed patientId, address indexed controller);

    /**
     * @notice Emitted when a patient's controller handed control to another address.
     * @param patientId the pseudonymous patient id
     * @param previousController the controller before the change
     * @param newController the controller after the change
     */
    event ControllerChanged(
        bytes32 indexed patientId, address indexed previousController, address indexed newController
    );

    /// @notice An address argument that must be set was the zero address.
    error PatientRegistryZeroAddress();

    /// @notice The zero patient id is reserved and cannot be registered.
    error PatientRegistryZeroPatientId();

    /// @notice The patient id is already registered (to `controller`).
    error PatientRegistryAlreadyRegistered(bytes32 patientId, address controller);

    /// @notice The patient id is not registered.
    error PatientRegistryUnknownPatient(bytes32 patientId);

    /// @notice `caller` is not the current controller of `patientId`.
    error PatientRegistryNotController(bytes32 patientId, address caller);

    /**
     * @notice Creates the registry.
     * @param admin receives `DEFAULT_ADMIN_ROLE` and thereby decides who holds `REGISTRAR_ROLE`
     */
    constructor(address admin) {
        if (admin == address(0)) revert PatientRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /**
     * @notice Registers a patient with its controller.
     * @dev Reverts for a zero id, a zero controller, or an id that is already registered: a
     * registration is never overwritten, only the controller itself can change it.
     * @param patientId the pseudonymous patient id
     * @param controller the address allowed to sign the patient's consents
     */
    function register(bytes32 patientId, address controller) external onlyRole(REGISTRAR_ROLE) {
        if (patientId == bytes32(0)) revert PatientRegistryZeroPatientId();
        if (controller == address(0)) revert PatientRegistryZeroAddress();
        address existing = _controllers[patientId];
        if (existing != address(0)) revert PatientRegistryAlreadyRegistered(patientId, existing);
        _controllers[patientId] = controller;
        emit PatientRegistered(patientId, controller);
    }

    /**
     * @notice Hands control of a patient's consents to another address.
     * @dev Only the current controller may call this (for a custodial key, identity-service signs
     * and sends the transaction). Consents and nonces stay as they are; signatures made by the
     * previous controller and not yet submitted stop being accepted.
     * @param patientId the pseudonymous patient id
     * @param newController the new controller, not the zero address
     */
    function changeController(bytes32 patientId, address newController) external {
        address previous = _controllers[patientId];
        if (previous == address(0)) revert PatientRegistryUnknownPatient(patientId);
        if (msg.sender != previous) revert PatientRegistryNotController(patientId, msg.sender);
        if (newController == address(0)) revert PatientRegistryZeroAddress();
        _controllers[patientId] = newController;
        emit ControllerChanged(patientId, previous, newController);
    }

    /**
     * @notice The controller of a patient.
     * @param patientId the pseudonymous patient id
     * @return the controller's address, or the zero address when the patient is not registered
     */
    function controllerOf(bytes32 patientId) external view returns (address) {
        return _controllers[patientId];
    }
}
