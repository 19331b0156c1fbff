package health.ehr.anchor.service;

import health.ehr.anchor.testing.EventBus;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.support.testing.Anvil;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Lets tests in other packages wait for anchoring the way {@link AnchoringTest} does. */
public final class AnchoringTestAccess {

    private AnchoringTestAccess() {
    }

    public static List<BatchAnchored> awaitAnchored(EventBus.Reader reader, Anvil anvil, Collection<UUID> ids)
            throws Exception {
        return AnchoringTest.awaitAnchored(reader, anvil, ids);
    }
}
