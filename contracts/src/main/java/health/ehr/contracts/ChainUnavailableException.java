package health.ehr.contracts;

/**
 * The Ethereum node could not be reached, or answered with an error that is not about the transaction or call
 * itself. Shared by chain-anchor-service and consent-service.
 */
public class ChainUnavailableException extends RuntimeException {

    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public ChainUnavailableException(String message) {
        super(message);
    }
}
