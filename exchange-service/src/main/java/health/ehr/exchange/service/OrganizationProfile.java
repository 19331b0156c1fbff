package health.ehr.exchange.service;

import health.ehr.exchange.config.ExchangeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/** What this organisation tells the network about itself ({@code GET /exchange/v1/organization}). */
@ApplicationScoped
public class OrganizationProfile {

    /** The public card. Hex values lower-case 0x; {@code encryptionKey} is the Tink public keyset. */
    public record Card(String organizationId, String name, String endpoint, String signingAddress,
            String encryptionKey, long chainId, Registries registries) {
    }

    /** This installation's own registries. */
    public record Registries(String patient, String consent, String anchor) {
    }

    private final ExchangeConfig config;
    private final OrganizationKeys keys;

    public OrganizationProfile(ExchangeConfig config, OrganizationKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    /** This organisation's id, lower-case 0x hex. */
    public String organizationId() {
        return config.organizationId().toLowerCase(Locale.ROOT);
    }

    public Card card() {
        ExchangeConfig.Chain chain = config.chain();
        return new Card(organizationId(), config.name(), config.endpoint(), keys.signingAddress(),
                keys.encryptionPublicKey(), chain.id(), new Registries(lower(chain.patientRegistry()),
                        lower(chain.consentRegistry()), lower(chain.anchorRegistry())));
    }

    private static String lower(String hex) {
        return hex.toLowerCase(Locale.ROOT);
    }
}
