package health.ehr.anchor.client;

/** The Ethereum node could not be reached or answered with an error that is not about the transaction. */
public class ChainUnavailableException extends RuntimeException {

    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
