package health.ehr.exchange.service;

import health.ehr.contracts.ChainUnavailableException;
import health.ehr.exchange.client.OrganizationDirectory;
import health.ehr.exchange.client.RegisteredOrganization;
import health.ehr.exchange.config.ExchangeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The network's members in memory, for listings and this organisation's own entry: loaded whole from
 * OrganizationRegistry at start, then kept current from its events. Every poll reads the entry events
 * of the blocks up to {@code confirmations} below the head and re-reads the entries they name. A reorg
 * (the hash of the last block read changed) simply reloads everything. The exchange door does not trust
 * this cache: it asks the chain itself ({@code isSigner}) for every request.
 */
@ApplicationScoped
public class NetworkDirectory {

    private static final Logger LOG = Logger.getLogger(NetworkDirectory.class);

    private final OrganizationDirectory chain;
    private final ExchangeConfig.Chain settings;
    private final Map<String, RegisteredOrganization> entries = new ConcurrentHashMap<>();
    private volatile long cursor = -1;
    private volatile String cursorHash;
    private ScheduledExecutorService poller;

    public NetworkDirectory(OrganizationDirectory chain, ExchangeConfig config) {
        this.chain = chain;
        this.settings = config.chain();
    }

    void start(@Observes StartupEvent startup) {
        if (!chain.configured()) {
            LOG.warn("no OrganizationRegistry is configured: the network directory stays empty");
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "network-directory");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollQuietly, 0, interval, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** Every member known, by name. */
    public List<RegisteredOrganization> members() {
        return entries.values().stream()
                .sorted(Comparator.comparing(RegisteredOrganization::name).thenComparing(
                        RegisteredOrganization::organizationId))
                .toList();
    }

    /** The cached entry of one member. */
    public Optional<RegisteredOrganization> member(String organizationId) {
        return Optional.ofNullable(entries.get(organizationId.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The block up to which the cache has applied the registry's events; -1 before the first load. */
    public long cursor() {
        return cursor;
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (ChainUnavailableException e) {
            LOG.warnf("network directory: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "network directory poll failed");
        }
    }

    /** One round: a full load the first time and after a reorg, else the entries named by new events. */
    public synchronized void poll() {
        long safe = chain.head() - settings.confirmations();
        if (safe < 0) {
            return;
        }
        if (cursor >= 0 && !chain.blockHash(cursor).map(h -> h.equals(cursorHash)).orElse(false)) {
            LOG.infof("network directory: block %d changed (reorg), reloading every entry", cursor);
            cursor = -1;
        }
        if (cursor < 0) {
            Map<String, RegisteredOrganization> all = new LinkedHashMap<>();
            for (String id : chain.organizationIds()) {
                chain.organization(id).ifPresent(e -> all.put(e.organizationId(), e));
            }
            entries.keySet().retainAll(all.keySet());
            entries.putAll(all);
            advance(safe);
            LOG.infof("network directory: %d members at block %d", all.size(), safe);
            return;
        }
        long from = cursor + 1;
        while (from <= safe) {
            long to = Math.min(safe, from + settings.maxBlockRange() - 1);
            Set<String> changed = chain.changedIn(from, to);
            for (String id : changed) {
                Optional<RegisteredOrganization> entry = chain.organization(id);
                entry.ifPresentOrElse(e -> entries.put(e.organizationId(), e), () -> entries.remove(id));
                LOG.infof("network directory: entry %s changed (%s)", id,
                        entry.map(e -> e.status().name()).orElse("gone"));
            }
            advance(to);
            from = to + 1;
        }
    }

    private void advance(long block) {
        cursorHash = chain.blockHash(block).orElse(null);
        cursor = block;
    }
}
