package health.ehr.consent.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/** Typed configuration of consent-service (prefix {@code consent}); defaults in application.properties. */
@ConfigMapping(prefix = "consent")
public interface ConsentConfig {

    /**
     * Blocks on top of a block before the mirror applies its logs: a log in block N is applied once
     * the head is at least N + confirmations, so the mirror shows the chain at head − confirmations.
     */
    int confirmations();

    /** How often the mirror polls the chain for ConsentRegistry logs. */
    Duration pollInterval();

    /** How often the expiry job marks ACTIVE consents past their expiry as EXPIRED. */
    Duration expiryInterval();

    /** Most record ids one consent may name (each becomes a row of the check's index). */
    int maxRecordIds();

    /** The Ethereum node and the ConsentRegistry the mirror follows and the signatures are bound to. */
    Chain chain();

    /** consent-service's own Keycloak client, whose token identity-service's internal endpoints require. */
    Identity identity();

    /** The consent check's cache (ConsentCheck). */
    Check check();

    /** Settings of the consent check's in-memory cache and of the change feed that keeps it current. */
    interface Check {

        /** Most (patient, grantee) pairs kept in memory. */
        long cacheSize();

        /** Longest time a pair's answer is kept, whatever the feed says (a last resort). */
        Duration maxAge();

        /** How often the change feed reads which consents changed (on any replica). */
        Duration refreshInterval();

        /** How far back each feed round reads again, for late commits and clock differences between replicas. */
        Duration feedOverlap();
    }

    /** Chain settings. */
    interface Chain {

        /** JSON-RPC URL of the Ethereum node ({@code EHR_CHAIN_RPC_URL}). */
        String rpcUrl();

        /** The chain id, part of the EIP-712 domain of every consent signature ({@code EHR_CHAIN_ID}). */
        long id();

        /** Address of ConsentRegistry ({@code EHR_CONTRACTS_CONSENT_REGISTRY}); its PatientRegistry is read from it. */
        String consentRegistry();

        /** First block the mirror reads (the registry's deployment block; 0 reads the whole chain). */
        long startBlock();

        /** Most blocks one {@code eth_getLogs} call of the mirror covers. */
        int maxBlockRange();

        /** How many recent block hashes the mirror keeps to find the common ancestor after a reorg. */
        int blockHistory();

        /**
         * Blocks below the head that count as final where the node answers no {@code finalized} block
         * tag; a consent's {@code finalized} field turns true once its deciding block is final.
         */
        int finalityDepth();

        /** Timeout of one JSON-RPC call. */
        Duration timeout();

        /**
         * Address of the network's OrganizationRegistry ({@code ORGANIZATION_REGISTRY}); without it a consent
         * naming another organisation is refused.
         */
        Optional<String> organizationRegistry();

        /**
         * This installation's organisation id ({@code ORGANIZATION_ID}, 0x bytes32): a consent naming it is
         * a local one.
         */
        Optional<String> organizationId();
    }

    /** Client-credentials settings of consent-service's Keycloak client. */
    interface Identity {

        /** Token endpoint of realm {@code ehr}. */
        String tokenUrl();

        /** The client id ({@code consent-service}; identity-service signs only for this client). */
        String clientId();

        /** The client secret ({@code EHR_CONSENT_CLIENT_SECRET}, from a Secret in production). */
        String clientSecret();
    }
}
