package health.ehr.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;

class ContractRevertTest {

    private static final String SIGNER = "0x00000000000000000000000000000000000000aa";
    private static final String CONTROLLER = "0x00000000000000000000000000000000000000bb";

    @Test
    void invalidSignerRevertNamesTheSignerAndTheController() {
        String data = selector("ConsentRegistryInvalidSigner(address,address)")
                + FunctionEncoder.encodeConstructor(List.of(new Address(SIGNER), new Address(CONTROLLER)));
        ContractRevert revert = ContractRevert.decode(data).orElseThrow();
        assertEquals("ConsentRegistryInvalidSigner", revert.name());
        assertEquals(List.of(SIGNER, CONTROLLER), revert.values());
        assertEquals("ConsentRegistryInvalidSigner(" + SIGNER + ", " + CONTROLLER + ")", revert.toString());
    }

    @Test
    void errorsOfEveryContractAndOpenZeppelinAreKnown() {
        byte[] root = Hash.sha3("root".getBytes());
        ContractRevert anchored = ContractRevert.decode(selector("AnchorRegistryAlreadyAnchored(bytes32)")
                + FunctionEncoder.encodeConstructor(List.of(new Bytes32(root)))).orElseThrow();
        assertEquals("AnchorRegistryAlreadyAnchored", anchored.name());
        ContractRevert notController = ContractRevert.decode(
                selector("OrganizationRegistryNotController(bytes32,address)")
                        + FunctionEncoder.encodeConstructor(List.of(new Bytes32(root), new Address(SIGNER))))
                .orElseThrow();
        assertEquals("OrganizationRegistryNotController", notController.name());
        ContractRevert remote = ContractRevert.decode(selector("ConsentRegistryZeroOrganization()")).orElseThrow();
        assertEquals("ConsentRegistryZeroOrganization", remote.name());
        ContractRevert unauthorized = ContractRevert.decode(
                selector("AccessControlUnauthorizedAccount(address,bytes32)")
                        + FunctionEncoder.encodeConstructor(List.of(new Address(SIGNER), new Bytes32(root))))
                .orElseThrow();
        assertEquals("AccessControlUnauthorizedAccount", unauthorized.name());
        ContractRevert expired = ContractRevert.decode(selector("ConsentRegistryExpired(uint64,uint256)")
                + FunctionEncoder.encodeConstructor(List.of(new Uint64(5), new Uint256(9)))).orElseThrow();
        assertEquals(List.of(BigInteger.valueOf(5), BigInteger.valueOf(9)), expired.values());
        assertEquals("PatientRegistryZeroAddress",
                ContractRevert.decode(selector("PatientRegistryZeroAddress()")).orElseThrow().name());
    }

    @Test
    void quotedDataAndErrorStringsAreDecoded() {
        String data = "\"" + selector("Error(string)")
                + FunctionEncoder.encodeConstructor(List.of(new Utf8String("nope"))) + "\"";
        ContractRevert revert = ContractRevert.decode(data).orElseThrow();
        assertEquals("Error", revert.name());
        assertEquals(List.of("nope"), revert.values());
    }

    @Test
    void unknownSelectorsAreKeptAsHexAndEmptyDataIsNoRevert() {
        assertEquals("0xdeadbeef", ContractRevert.decode("0xdeadbeef00").orElseThrow().name());
        assertTrue(ContractRevert.decode("0x").isEmpty());
        assertTrue(ContractRevert.decode(null).isEmpty());
    }

    private static String selector(String signature) {
        return Hash.sha3String(signature).substring(0, 10);
    }
}
