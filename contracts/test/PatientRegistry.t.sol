// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {PatientRegistry} from "../src/PatientRegistry.sol";
import {TestBase} from "./Base.sol";

contract PatientRegistryTest is TestBase {
    address internal constant ADMIN = address(0xAD);
    address internal constant REGISTRAR = address(0x4E6);

    PatientRegistry internal registry;

    function setUp() public {
        registry = new PatientRegistry(ADMIN);
        bytes32 registrarRole = registry.REGISTRAR_ROLE();
        vm.prank(ADMIN);
        registry.grantRole(registrarRole, REGISTRAR);
    }

    function test_constructorMakesTheAdminTheRoleAdmin() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), ADMIN), "admin role");
        assertFalse(registry.hasRole(registry.REGISTRAR_ROLE(), ADMIN), "admin is no registrar");
        assertEq(registry.REGISTRAR_ROLE(), keccak256("REGISTRAR_ROLE"), "role id");
    }

    function test_constructorRevertsForZeroAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(PatientRegistry.PatientRegistryZeroAddress.selector));
        new PatientRegistry(address(0));
    }

    function testFuzz_registerStoresTheControllerAndEmits(bytes32 patientId, address controller) public {
        vm.assume(patientId != bytes32(0) && controller != address(0));
        vm.expectEmit(address(registry));
        emit PatientRegistry.PatientRegistered(patientId, controller);
        vm.prank(REGISTRAR);
        registry.register(patientId, controller);
        assertEq(registry.controllerOf(patientId), controller, "controllerOf");
    }

    function testFuzz_registerRevertsForCallersWithoutRegistrarRole(address caller) public {
        vm.assume(caller != REGISTRAR);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, registry.REGISTRAR_ROLE()
            )
        );
        vm.prank(caller);
        registry.register(keccak256("p"), address(0xC0));
    }

    function test_registerRevertsForZeroPatientId() public {
        vm.expectRevert(abi.encodeWithSelector(PatientRegistry.PatientRegistryZeroPatientId.selector));
        vm.prank(REGISTRAR);
        registry.register(bytes32(0), address(0xC0));
    }

    function test_registerRevertsForZeroController() public {
        vm.expectRevert(abi.encodeWithSelector(PatientRegistry.PatientRegistryZeroAddress.selector));
        vm.prank(REGISTRAR);
        registry.register(keccak256("p"), address(0));
    }

    function testFuzz_registerRevertsWhenAlreadyRegistered(address first, address second) public {
        vm.assume(first != address(0) && second != address(0));
        bytes32 patientId = keccak256("p");
        vm.prank(REGISTRAR);
        registry.register(patientId, first);
        vm.expectRevert(
            abi.encodeWithSelector(PatientRegistry.PatientRegistryAlreadyRegistered.selector, patientId, first)
        );
        vm.prank(REGISTRAR);
        registry.register(patientId, second);
        assertEq(registry.controllerOf(patientId), first, "first registration stands");
    }

    function test_controllerOfAnUnknownPatientIsZero() public view {
        assertEq(registry.controllerOf(keccak256("nobody")), address(0), "controllerOf");
    }

    function testFuzz_changeControllerByTheControllerMovesControl(address controller, address next) public {
        vm.assume(controller != address(0) && next != address(0));
        bytes32 patientId = keccak256("p");
        vm.prank(REGISTRAR);
        registry.register(patientId, controller);

        vm.expectEmit(address(registry));
        emit PatientRegistry.ControllerChanged(patientId, controller, next);
        vm.prank(controller);
        registry.changeController(patientId, next);
        assertEq(registry.controllerOf(patientId), next, "controllerOf");
    }

    function test_previousControllerCannotChangeItBack() public {
        bytes32 patientId = keccak256("p");
        vm.prank(REGISTRAR);
        registry.register(patientId, address(0xC0));
        vm.prank(address(0xC0));
        registry.changeController(patientId, address(0xC1));

        vm.expectRevert(
            abi.encodeWithSelector(PatientRegistry.PatientRegistryNotController.selector, patientId, address(0xC0))
        );
        vm.prank(address(0xC0));
        registry.changeController(patientId, address(0xC0));
    }

    function testFuzz_changeControllerRevertsForAnyoneButTheController(address caller) public {
        bytes32 patientId = keccak256("p");
        vm.assume(caller != address(0xC0));
        vm.prank(REGISTRAR);
        registry.register(patientId, address(0xC0));

        vm.expectRevert(
            abi.encodeWithSelector(PatientRegistry.PatientRegistryNotController.selector, patientId, caller)
        );
        vm.prank(caller);
        registry.changeController(patientId, caller == address(0) ? address(0xC1) : caller);
    }

    function test_registrarCannotChangeAController() public {
        bytes32 patientId = keccak256("p");
        vm.prank(REGISTRAR);
        registry.register(patientId, address(0xC0));
        vm.expectRevert(
            abi.encodeWithSelector(PatientRegistry.PatientRegistryNotController.selector, patientId, REGISTRAR)
        );
        vm.prank(REGISTRAR);
        registry.changeController(patientId, REGISTRAR);
    }

    function test_changeControllerRevertsForUnknownPatient() public {
        bytes32 patientId = keccak256("nobody");
        vm.expectRevert(abi.encodeWithSelector(PatientRegistry.PatientRegistryUnknownPatient.selector, patientId));
        vm.prank(address(0xC0));
        registry.changeController(patientId, address(0xC1));
    }

    function test_changeControllerRevertsForZeroNewController() public {
        bytes32 patientId = keccak256("p");
        vm.prank(REGISTRAR);
        registry.register(patientId, address(0xC0));
        vm.expectRevert(abi.encodeWithSelector(PatientRegistry.PatientRegistryZeroAddress.selector));
        vm.prank(address(0xC0));
        registry.changeController(patientId, address(0));
    }
}
