package health.ehr.contracts;

import health.ehr.contracts.generated.OrganizationRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Locale;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * The fixed-size fields of an {@code OrganizationRegistry.organization(id)} entry, read with one
 * {@code eth_call} and decoded by hand from the ABI words. web3j's generated struct decoding works
 * on a plain class path but fails inside Quarkus' class loaders ("Type cannot be encoded: class
 * java.lang.Class"), so services read an entry's status, signer, registries and controller this way;
 * name, endpoint and encryption key (dynamic) are not decoded here.
 *
 * @param status 0 NONE (never admitted), 1 ACTIVE, 2 SUSPENDED
 */
public record OrganizationEntry(int status, String signer, String patientRegistry, String consentRegistry,
        String anchorRegistry, String controller, long updatedAt) {

    /** Status {@code NONE}: the id was never admitted. */
    public static final int NONE = 0;
    /** Status {@code ACTIVE}. */
    public static final int ACTIVE = 1;
    /** Status {@code SUSPENDED}. */
    public static final int SUSPENDED = 2;

    /** Reads the entry of {@code organizationId} at the latest block. */
    public static OrganizationEntry read(Web3j web3j, String registry, byte[] organizationId) throws IOException {
        String data = OrganizationRegistry.load(registry, web3j, new ReadonlyTransactionManager(web3j, null),
                new DefaultGasProvider()).organization(organizationId).encodeFunctionCall();
        EthCall answer = web3j.ethCall(Transaction.createEthCallTransaction(null, registry, data),
                DefaultBlockParameterName.LATEST).send();
        if (answer.hasError()) {
            throw new IOException("organization(" + Numeric.toHexString(organizationId) + ") failed: "
                    + answer.getError().getMessage());
        }
        return decode(Numeric.hexStringToByteArray(answer.getValue()));
    }

    /**
     * Decodes the return data of {@code organization(id)}: word 0 is the offset of the struct; the
     * struct's head words are name (offset), endpoint (offset), signer, encryptionKey (offset),
     * patientRegistry, consentRegistry, anchorRegistry, controller, status, updatedAt.
     */
    static OrganizationEntry decode(byte[] output) {
        if (output.length < 32) {
            throw new IllegalArgumentException("organization() returned " + output.length + " bytes");
        }
        int base = word(output, 0).intValueExact();
        if (output.length < base + 10 * 32) {
            throw new IllegalArgumentException("organization() returned a short entry");
        }
        return new OrganizationEntry(word(output, base + 8 * 32).intValueExact(), address(output, base + 2 * 32),
                address(output, base + 4 * 32), address(output, base + 5 * 32), address(output, base + 6 * 32),
                address(output, base + 7 * 32), word(output, base + 9 * 32).longValueExact());
    }

    private static BigInteger word(byte[] output, int offset) {
        byte[] word = new byte[32];
        System.arraycopy(output, offset, word, 0, 32);
        return new BigInteger(1, word);
    }

    private static String address(byte[] output, int offset) {
        return Numeric.toHexStringWithPrefixZeroPadded(word(output, offset), 40).toLowerCase(Locale.ROOT);
    }
}
