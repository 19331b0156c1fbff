package health.ehr.anchor.service;

import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.config.AnchorConfig;
import health.ehr.anchor.config.AnchorConfig.Finality;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The highest block the chain itself calls final, by {@code anchor.finality}: the node's
 * {@code finalized} or {@code safe} tag, or {@code anchor.finality-depth} blocks below the head on
 * a chain without tags. A confirmed transaction is watched until its block is at or below it.
 */
@ApplicationScoped
public class ChainFinality {

    private static final Logger LOG = Logger.getLogger(ChainFinality.class);

    private final ChainClient chain;
    private final AnchorConfig config;
    private volatile String source = "";

    public ChainFinality(ChainClient chain, AnchorConfig config) {
        this.chain = chain;
        this.config = config;
    }

    /** The highest final block with {@code head} as the chain's head; -1 when nothing is final yet. */
    public long finalizedBlock(long head) {
        Finality finality = config.finality();
        OptionalLong tagged = switch (finality) {
            case AUTO, FINALIZED -> chain.taggedBlock("finalized");
            case SAFE -> chain.taggedBlock("safe");
            case DEPTH -> OptionalLong.empty();
        };
        if (tagged.isPresent()) {
            noteSource(finality == Finality.SAFE ? "the node's safe tag" : "the node's finalized tag");
            return Math.min(tagged.getAsLong(), head);
        }
        if (finality == Finality.FINALIZED || finality == Finality.SAFE) {
            noteSource("none: the node answers no " + finality.name().toLowerCase(Locale.ROOT) + " tag");
            return -1;
        }
        noteSource(config.finalityDepth() + " blocks below the head");
        return head - config.finalityDepth();
    }

    /** Where the last answer came from, for the chain endpoint and the logs. */
    public String source() {
        return source;
    }

    private void noteSource(String now) {
        if (!now.equals(source)) {
            LOG.infof("chain finality: %s", now);
            source = now;
        }
    }
}
