package health.ehr.exchange.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/** Typed configuration of exchange-service (prefix {@code exchange}); defaults in application.properties. */
@ConfigMapping(prefix = "exchange")
public interface ExchangeConfig {

    /** This organisation's id in the network's OrganizationRegistry: bytes32 as lower-case 0x hex. */
    String organizationId();

    /** This organisation's display name, as {@code GET /exchange/v1/organization} shows it. */
    String name();

    /**
     * The public base URL of this installation's exchange API, as registered on chain (for example
     * {@code https://ehr.hospital-a.example/exchange/v1}). A request's {@code htu} must name a URL below
     * it: the door compares against this, not against the address the request reached behind a proxy.
     */
    String endpoint();

    /** Keys supplied from outside (a Kubernetes Secret) instead of generated on first start. */
    Keys keys();

    /** The exchange door's rules for incoming signed requests. */
    Door door();

    /** The chain and the network's OrganizationRegistry. */
    Chain chain();

    /** Keys supplied from outside; each is used instead of a generated one when set. */
    interface Keys {

        /** The request-signing key: a secp256k1 private key as 0x hex. */
        Optional<String> signingKey();

        /** The encryption key: a Tink hybrid (HPKE) private keyset in Tink's JSON format. */
        Optional<String> encryptionKeyset();
    }

    /** Limits of the exchange door. */
    interface Door {

        /** Longest accepted lifetime of a request JWS ({@code exp - iat}); the network's rule is 5 minutes. */
        Duration maxLifetime();

        /**
         * Clock difference tolerated between installations: a JWS is accepted up to this long after its
         * {@code exp}, and with an {@code iat} up to this far in the future.
         */
        Duration clockSkew();

        /** How often remembered {@code jti}s past their expiry are deleted. */
        Duration purgeInterval();
    }

    /** The chain. */
    interface Chain {

        /** JSON-RPC URL of the Ethereum node. */
        String rpcUrl();

        /** The chain id the node must serve. */
        long id();

        /** The network's OrganizationRegistry; the zero address means no network is configured. */
        String organizationRegistry();

        /**
         * The private key (0x hex) of the account that controls this organisation's entry. When set, the
         * service rotates the entry's signer and encryption key to its own keys on start; when empty, an
         * operator does it (docs/exchange.md).
         */
        Optional<String> controllerKey();

        /** The directory cache applies a registry log once the head is this many blocks above it. */
        int confirmations();

        /** How often the directory cache reads new registry logs. */
        Duration pollInterval();

        /** Most blocks one {@code eth_getLogs} asks for. */
        int maxBlockRange();

        /** Timeout of one JSON-RPC call. */
        Duration timeout();

        /** This installation's PatientRegistry, published in its entry. */
        String patientRegistry();

        /** This installation's ConsentRegistry, published in its entry. */
        String consentRegistry();

        /** This installation's AnchorRegistry, published in its entry. */
        String anchorRegistry();
    }
}
