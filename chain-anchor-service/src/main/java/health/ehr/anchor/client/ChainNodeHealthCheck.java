package health.ehr.anchor.client;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN while the Ethereum node does not answer {@code eth_blockNumber} within the short
 * readiness timeout, or serves another chain than the configured one. Liveness stays UP: the
 * service keeps collecting leaves and commands and catches up when the node is back.
 */
@Readiness
@ApplicationScoped
public class ChainNodeHealthCheck implements HealthCheck {

    private final ChainClient chain;

    public ChainNodeHealthCheck(ChainClient chain) {
        this.chain = chain;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Ethereum node");
        try {
            long block = chain.probeBlockNumber();
            long chainId = chain.probeChainId();
            response.withData("blockNumber", block).withData("chainId", chainId);
            if (chainId != chain.chainId()) {
                return response.down().withData("error", "the node serves chain " + chainId + ", expected "
                        + chain.chainId()).build();
            }
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
