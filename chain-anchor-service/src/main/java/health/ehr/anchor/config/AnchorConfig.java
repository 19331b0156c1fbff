package health.ehr.anchor.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Typed configuration of chain-anchor-service (prefix {@code anchor}); defaults in application.properties. */
@ConfigMapping(prefix = "anchor")
public interface AnchorConfig {

    /** The Ethereum JSON-RPC endpoint. */
    String rpcUrl();

    /** The chain id transactions are signed for. */
    long chainId();

    /** A batch closes at this many leaves. */
    int batchMaxLeaves();

    /** A batch closes at this age even when not full. */
    Duration batchMaxAge();

    /** Blocks on top of an anchor transaction before it counts as final. */
    int confirmations();
}
