package health.ehr.contracts;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * One {@code OrganizationRegistry.organization(id)} entry, read with one {@code eth_call} and decoded
 * with web3j's ABI decoder from the tuple's fields. web3j's generated struct decoding works on a plain
 * class path but fails inside Quarkus' class loaders ("Type cannot be encoded: class java.lang.Class"),
 * so every service (consent-service, exchange-service) and the deployer read an entry this way.
 * Addresses and the encryption key are lower-case 0x hex.
 *
 * @param status 0 NONE (never admitted), 1 ACTIVE, 2 SUSPENDED
 */
public record OrganizationEntry(int status, String name, String endpoint, String signer, String encryptionKey,
        String patientRegistry, String consentRegistry, String anchorRegistry, String controller, long updatedAt) {

    /** Status {@code NONE}: the id was never admitted. */
    public static final int NONE = 0;
    /** Status {@code ACTIVE}. */
    public static final int ACTIVE = 1;
    /** Status {@code SUSPENDED}. */
    public static final int SUSPENDED = 2;

    /** The struct's fields in declaration order. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final List<TypeReference<Type>> FIELDS = (List) List.of(
            new TypeReference<Utf8String>() { }, new TypeReference<Utf8String>() { },
            new TypeReference<Address>() { }, new TypeReference<DynamicBytes>() { },
            new TypeReference<Address>() { }, new TypeReference<Address>() { }, new TypeReference<Address>() { },
            new TypeReference<Address>() { }, new TypeReference<Uint8>() { }, new TypeReference<Uint64>() { });

    /**
     * Reads the entry of {@code organizationId} at the latest block; an {@link IOException} when the
     * call fails, reverts or answers something that is not an entry (not an OrganizationRegistry).
     */
    public static OrganizationEntry read(Web3j web3j, String registry, byte[] organizationId) throws IOException {
        String data = FunctionEncoder.encode(new Function("organization", List.of(new Bytes32(organizationId)),
                List.of()));
        EthCall answer = web3j.ethCall(Transaction.createEthCallTransaction(null, registry, data),
                DefaultBlockParameterName.LATEST).send();
        if (answer.hasError() || answer.isReverted()) {
            throw new IOException("organization(" + Numeric.toHexString(organizationId) + ") failed: "
                    + (answer.hasError() ? answer.getError().getMessage() : answer.getRevertReason()));
        }
        try {
            return decode(Numeric.cleanHexPrefix(answer.getValue()));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage() + ": is " + registry + " an OrganizationRegistry?", e);
        }
    }

    /**
     * Decodes the return data of {@code organization(id)} (hex without 0x): one word pointing at the
     * struct, then the struct encoded like its fields as a parameter list.
     */
    static OrganizationEntry decode(String output) {
        if (output.length() < 64 * 11) {
            throw new IllegalArgumentException("organization() returned " + output.length() / 2 + " bytes");
        }
        List<Type> fields = FunctionReturnDecoder.decode(output.substring(64), FIELDS);
        return new OrganizationEntry(((Uint8) fields.get(8)).getValue().intValueExact(),
                ((Utf8String) fields.get(0)).getValue(), ((Utf8String) fields.get(1)).getValue(), address(fields, 2),
                Numeric.toHexString(((DynamicBytes) fields.get(3)).getValue()), address(fields, 4),
                address(fields, 5), address(fields, 6), address(fields, 7),
                ((Uint64) fields.get(9)).getValue().longValueExact());
    }

    private static String address(List<Type> fields, int index) {
        return ((Address) fields.get(index)).getValue().toLowerCase(Locale.ROOT);
    }
}
