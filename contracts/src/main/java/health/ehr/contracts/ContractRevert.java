package health.ehr.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * A revert of one of the platform's contracts, decoded: the custom error's name and arguments
 * (e.g. {@code ConsentRegistryInvalidSigner(signer, controller)}), or {@code Error(string)} /
 * {@code Panic(uint256)}.
 *
 * <p>web3j 4.13 cannot decode custom errors, and a reverted transaction still costs gas, so a
 * relayer calls {@link #preflight} (an {@code eth_call} of the same transaction) before sending.
 * The known errors come from the contracts' ABIs packaged in this jar.
 *
 * @param name the error's name, or the 4-byte selector in hex when it is not a known error
 * @param arguments the decoded arguments in declaration order (empty when unknown)
 * @param data the raw revert data, 0x-prefixed
 */
public record ContractRevert(String name, List<Type> arguments, String data) {

    private static final String[] ABIS = {"PatientRegistry", "ConsentRegistry", "AnchorRegistry",
        "OrganizationRegistry"};
    private static final Map<String, ErrorAbi> KNOWN = loadKnownErrors();

    /**
     * Decodes revert data ({@code 0x} + 4-byte selector + ABI-encoded arguments).
     *
     * @return empty when there is no revert data (a bare {@code revert()} or an out-of-gas)
     */
    public static Optional<ContractRevert> decode(String revertData) {
        if (revertData == null) {
            return Optional.empty();
        }
        String hex = Numeric.cleanHexPrefix(revertData.strip().replace("\"", "")).toLowerCase(Locale.ROOT);
        if (hex.length() < 8 || !hex.matches("[0-9a-f]*")) {
            return Optional.empty();
        }
        String selector = "0x" + hex.substring(0, 8);
        ErrorAbi error = KNOWN.get(selector);
        if (error == null) {
            return Optional.of(new ContractRevert(selector, List.of(), "0x" + hex));
        }
        List<Type> arguments = FunctionReturnDecoder.decode(hex.substring(8), error.outputs());
        return Optional.of(new ContractRevert(error.name(), List.copyOf(arguments), "0x" + hex));
    }

    /**
     * Runs a transaction as an {@code eth_call} at the latest block, to see whether it would revert.
     *
     * @return the decoded revert, or empty when the call succeeds
     * @throws IOException when the node cannot be reached
     * @throws IllegalStateException when the node reports an error without revert data
     */
    public static Optional<ContractRevert> preflight(Web3j web3j, String from, String to, String data)
            throws IOException {
        EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, to, data),
                DefaultBlockParameterName.LATEST).send();
        Response.Error error = call.getError();
        if (error == null) {
            return Optional.empty();
        }
        return Optional.of(decode(error.getData()).orElseThrow(() -> new IllegalStateException(
                "eth_call failed without revert data: " + error.getMessage())));
    }

    /** The argument values ({@link Type#getValue()}) in declaration order. */
    public List<Object> values() {
        return arguments.stream().map(Type::getValue).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return name + arguments.stream()
                .map(a -> a.getValue() instanceof byte[] b ? Numeric.toHexString(b) : String.valueOf(a.getValue()))
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private record ErrorAbi(String name, List<TypeReference<Type>> outputs) {
    }

    private static Map<String, ErrorAbi> loadKnownErrors() {
        Map<String, ErrorAbi> known = new HashMap<>();
        add(known, "Error", List.of("string"));
        add(known, "Panic", List.of("uint256"));
        ObjectMapper json = new ObjectMapper();
        for (String contract : ABIS) {
            String resource = "abi/" + contract + ".abi";
            try (InputStream in = ContractRevert.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource + " (built by scripts/compile.mjs)");
                }
                for (JsonNode entry : json.readTree(in)) {
                    if ("error".equals(entry.path("type").asText())) {
                        List<String> types = new ArrayList<>();
                        entry.path("inputs").forEach(input -> types.add(input.path("type").asText()));
                        add(known, entry.path("name").asText(), types);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(known);
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, ErrorAbi> known, String name, List<String> types) {
        String signature = name + "(" + String.join(",", types) + ")";
        String selector = Hash.sha3String(signature).substring(0, 10);
        List<TypeReference<Type>> outputs = new ArrayList<>();
        for (String type : types) {
            try {
                outputs.add((TypeReference<Type>) TypeReference.makeTypeReference(type));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("unsupported error argument type in " + signature, e);
            }
        }
        known.put(selector, new ErrorAbi(name, List.copyOf(outputs)));
    }
}
