package health.ehr.exchange.client;

import health.ehr.exchange.config.ExchangeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN while the Ethereum node does not answer, serves another chain than the configured one,
 * or the OrganizationRegistry cannot be read there; without the registry the door can verify nothing.
 * A service without a configured registry is ready (it has no network to serve) and says so.
 */
@Readiness
@ApplicationScoped
public class RegistryHealthCheck implements HealthCheck {

    private final ChainOrganizationDirectory chain;
    private final long chainId;

    public RegistryHealthCheck(ChainOrganizationDirectory chain, ExchangeConfig config) {
        this.chain = chain;
        this.chainId = config.chain().id();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Organization registry");
        if (!chain.configured()) {
            return response.up().withData("registry", "none configured").build();
        }
        try {
            long served = chain.probeChainId();
            if (served != chainId) {
                return response.down().withData("error", "the node serves chain " + served + ", expected "
                        + chainId).build();
            }
            int members = chain.organizationIds().size();
            return response.up().withData("registry", chain.registryAddress()).withData("members", members)
                    .withData("blockNumber", chain.head()).build();
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
