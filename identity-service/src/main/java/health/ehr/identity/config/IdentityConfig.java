package health.ehr.identity.config;

import io.smallrye.config.ConfigMapping;

/** Typed configuration of identity-service (prefix {@code identity}); defaults in application.properties. */
@ConfigMapping(prefix = "identity")
public interface IdentityConfig {

    /** The Keycloak realm that holds the platform's users. */
    String realm();

    /**
     * The platform secret of the keyed hash that makes chain ids: without it, an on-chain id cannot
     * be linked to a person. From the environment or a Kubernetes Secret; never change it once used.
     */
    String chainIdSecret();

    /** The chain id that consent signatures are bound to (EIP-712 domain). */
    long chainId();

    /** The ConsentRegistry address that consent signatures are bound to (EIP-712 domain). */
    String consentRegistry();

    /** The only Keycloak client allowed to ask for custodial consent signatures. */
    String signingClient();
}
