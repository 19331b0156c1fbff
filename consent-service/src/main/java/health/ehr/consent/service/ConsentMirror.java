package health.ehr.consent.service;

import health.ehr.consent.Consent;
import health.ehr.consent.client.ConsentChain;
import health.ehr.consent.config.ConsentConfig;
import health.ehr.consent.repository.ConsentRepository;
import health.ehr.consent.repository.MirrorRepository;
import health.ehr.consent.repository.MirrorRepository.AppliedLog;
import health.ehr.consent.repository.MirrorRepository.BlockRef;
import health.ehr.consent.repository.MirrorRepository.Cursor;
import health.ehr.contracts.ChainUnavailableException;
import health.ehr.contracts.generated.ConsentRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Mirrors ConsentRegistry into MySQL: polls {@code eth_getLogs} block range by block range from the
 * last applied block, applies only blocks at or below head − {@code consent.confirmations}, and
 * survives reorgs without relying on {@code removed} logs (anvil sends none).
 *
 * <p>Each round is one transaction that holds the cursor row ({@code FOR UPDATE SKIP LOCKED}, so
 * replicas take turns): it first compares the stored hash of the cursor block with the node's; on a
 * mismatch it walks back through the stored hashes to the highest block the node still has
 * (the common ancestor), deletes the applied logs above it and recomputes the consents they touched
 * ({@link ConsentState}). Then it reads the next range, checks that the range's last block did not
 * change while the logs were read, records each log in {@code chain_log} (primary key block and log
 * index: a log is never applied twice) and the hashes of the range's last block and of every block
 * with a log, and moves the cursor. Logs, consent changes, their events (outbox) and the cursor
 * commit together: a crash loses nothing and applies nothing twice.
 */
@ApplicationScoped
public class ConsentMirror {

    private static final Logger LOG = Logger.getLogger(ConsentMirror.class);
    /** The largest unix time an Instant in a DATETIME(6) column holds (9999-12-31T23:59:59Z). */
    private static final long MAX_EXPIRY = 253_402_300_799L;
    private static final int MAX_ROUNDS_PER_POLL = 50;

    /** What one round did. {@code rolledBackTo} is set when a reorg was found. */
    public record Round(long from, long to, int applied, Long rolledBackTo, boolean caughtUp) {
        static Round idle(Long rolledBackTo) {
            return new Round(0, -1, 0, rolledBackTo, true);
        }
    }

    private final ConsentChain chain;
    private final MirrorRepository mirror;
    private final ConsentRepository consents;
    private final ConsentState state;
    private final ConsentConfig config;
    private final EntityManager em;
    private final ReentrantLock roundLock = new ReentrantLock();
    private volatile boolean running;
    private volatile boolean failing;
    private volatile long appliedBlock = -1;
    private volatile long headBlock = -1;
    private volatile long finalizedBlock = -1;
    private ScheduledExecutorService ticker;

    public ConsentMirror(ConsentChain chain, MirrorRepository mirror, ConsentRepository consents, ConsentState state,
            ConsentConfig config, EntityManager em, MeterRegistry metrics) {
        this.chain = chain;
        this.mirror = mirror;
        this.consents = consents;
        this.state = state;
        this.config = config;
        this.em = em;
        Gauge.builder("consent.mirror.block", this, m -> m.appliedBlock)
                .description("last block the consent mirror applied").register(metrics);
        Gauge.builder("consent.mirror.lag.blocks", this, m -> m.headBlock < 0 ? 0 : m.headBlock - m.appliedBlock)
                .description("blocks between the chain head and the consent mirror").register(metrics);
    }

    void onStart(@Observes StartupEvent startup) {
        if (!chain.configured()) {
            LOG.warn("no ConsentRegistry configured (EHR_CONTRACTS_CONSENT_REGISTRY): the consent mirror idles");
            return;
        }
        // Its own thread rather than @Scheduled: Quarkus' scheduler runs nothing more often than once a second.
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "consent-mirror");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::poll, 1000, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        start();
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        stop();
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** Starts following the chain from the persisted cursor. */
    public void start() {
        running = true;
        LOG.infof("consent mirror following %s on chain %d, %d confirmations", chain.registryAddress(),
                chain.chainId(), config.confirmations());
    }

    /** Stops following the chain; returns once a round in progress has ended. */
    public void stop() {
        running = false;
        roundLock.lock();
        roundLock.unlock();
        LOG.info("consent mirror stopped");
    }

    /** The highest block the chain calls final, as of the last round (-1 before the first). */
    public long finalizedBlock() {
        return finalizedBlock;
    }

    public boolean running() {
        return running;
    }

    void poll() {
        if (!running) {
            return;
        }
        try {
            catchUp();
            if (failing) {
                LOG.info("consent mirror: the chain answers again");
                failing = false;
            }
        } catch (RuntimeException e) {
            // Never let an exception escape: it would cancel the ticker for good.
            if (!failing) {
                LOG.warnf("consent mirror: round failed (%s); retrying every %s", e.getMessage(),
                        config.pollInterval());
                failing = true;
            }
        }
    }

    /** Runs rounds until the mirror has reached head − confirmations (bounded per call). */
    public void catchUp() {
        for (int i = 0; i < MAX_ROUNDS_PER_POLL && running; i++) {
            if (round(config.chain().maxBlockRange()).caughtUp()) {
                return;
            }
        }
    }

    /** One round over at most {@code maxBlocks} blocks, in its own transaction. */
    public Round round(int maxBlocks) {
        roundLock.lock();
        try {
            return QuarkusTransaction.requiringNew().timeout(120).call(() -> roundInTransaction(maxBlocks));
        } finally {
            roundLock.unlock();
        }
    }

    private Round roundInTransaction(int maxBlocks) {
        Optional<Cursor> locked = mirror.lockCursor();
        if (locked.isEmpty()) {
            Number rows = (Number) em.createNativeQuery("SELECT COUNT(*) FROM mirror_cursor").getSingleResult();
            if (rows.intValue() == 0) {
                mirror.initCursor(chain.chainId(), chain.registryAddress(), config.chain().startBlock());
            }
            return Round.idle(null); // another replica holds the cursor, or it was just created
        }
        Cursor cursor = locked.get();
        if (cursor.chainId() != chain.chainId() || !cursor.contractAddress().equals(chain.registryAddress())) {
            LOG.warnf("consent mirror: the cursor belongs to %s on chain %d; restarting for %s on chain %d",
                    cursor.contractAddress(), cursor.chainId(), chain.registryAddress(), chain.chainId());
            mirror.restartFor(chain.chainId(), chain.registryAddress(), config.chain().startBlock());
            cursor = new Cursor(chain.chainId(), chain.registryAddress(), config.chain().startBlock() - 1, null);
        }
        Instant now = Instant.now();
        long head = chain.head();
        headBlock = head;
        finalizedBlock = chain.finalizedBlock().orElse(head - config.chain().finalityDepth());
        Long rolledBackTo = null;
        if (cursor.blockHash() != null
                && !Optional.of(cursor.blockHash()).equals(chain.blockHash(cursor.blockNumber()))) {
            cursor = rollBack(cursor, now);
            rolledBackTo = cursor.blockNumber();
        }
        long safe = head - config.confirmations();
        if (cursor.blockNumber() >= safe) {
            appliedBlock = cursor.blockNumber();
            return Round.idle(rolledBackTo);
        }
        long from = cursor.blockNumber() + 1;
        long to = Math.min(safe, from + Math.max(1, maxBlocks) - 1);
        String hashOfTo = chain.blockHash(to)
                .orElseThrow(() -> new ChainUnavailableException("block " + to + " vanished during a round"));
        List<Log> logs = chain.logs(from, to);
        if (!Optional.of(hashOfTo).equals(chain.blockHash(to))) {
            // The chain reorganised while the logs were read: apply nothing, try again next round.
            throw new ChainUnavailableException("block " + to + " changed while its logs were read");
        }
        int applied = 0;
        for (Log log : logs) {
            if (log.isRemoved()) {
                continue;
            }
            mirror.rememberBlock(log.getBlockNumber().longValueExact(), log.getBlockHash().toLowerCase(Locale.ROOT));
            if (apply(log, now)) {
                applied++;
            }
        }
        mirror.rememberBlock(to, hashOfTo);
        mirror.moveCursor(to, hashOfTo);
        mirror.pruneBlocksBelow(to - config.chain().blockHistory());
        appliedBlock = to;
        if (applied > 0) {
            LOG.infof("consent mirror: blocks %d..%d applied, %d logs", from, to, applied);
        }
        return new Round(from, to, applied, rolledBackTo, to >= safe);
    }

    /** Finds the common ancestor, undoes the logs above it and moves the cursor back to it. */
    private Cursor rollBack(Cursor cursor, Instant now) {
        long ancestor = config.chain().startBlock() - 1;
        String ancestorHash = null;
        for (BlockRef known : mirror.blocksDownFrom(cursor.blockNumber(), config.chain().blockHistory())) {
            if (Optional.of(known.hash()).equals(chain.blockHash(known.number()))) {
                ancestor = known.number();
                ancestorHash = known.hash();
                break;
            }
        }
        List<UUID> touched = mirror.consentsWithLogsAbove(ancestor);
        int undone = mirror.deleteLogsAbove(ancestor);
        mirror.forgetBlocksAbove(ancestor);
        mirror.moveCursor(ancestor, ancestorHash);
        for (UUID consentId : touched) {
            consents.lock(consentId).ifPresent(consent -> state.rolledBack(consent, now));
        }
        LOG.warnf("consent mirror: reorg, block %d is no longer %s; rolled back to block %d (%d logs undone,"
                + " %d consents recomputed)", cursor.blockNumber(), cursor.blockHash(), ancestor, undone,
                touched.size());
        return new Cursor(cursor.chainId(), cursor.contractAddress(), ancestor, ancestorHash);
    }

    /**
     * Applies one log; false when it was applied before. The remote events (a grantee of another
     * organisation) are applied like their local twins, through the same chain_log rows, confirmation
     * depth and rollback; they match only a consent naming the same organisation, and a local log
     * only a local consent.
     */
    private boolean apply(Log log, Instant now) {
        String topic = log.getTopics().get(0).toLowerCase(Locale.ROOT);
        long block = log.getBlockNumber().longValueExact();
        int index = log.getLogIndex().intValueExact();
        String blockHash = log.getBlockHash().toLowerCase(Locale.ROOT);
        String txHash = log.getTransactionHash().toLowerCase(Locale.ROOT);
        boolean grantedLocal = topic.equals(ConsentChain.GRANTED_TOPIC);
        if (grantedLocal || topic.equals(ConsentChain.GRANTED_REMOTE_TOPIC)) {
            String patient;
            String grantee;
            String scope;
            long nonce;
            BigInteger expiry;
            String organization;
            if (grantedLocal) {
                ConsentRegistry.ConsentGrantedEventResponse e = ConsentRegistry.getConsentGrantedEventFromLog(log);
                patient = hex(e.patientId);
                grantee = hex(e.granteeId);
                scope = hex(e.scopeHash);
                nonce = e.nonce.longValueExact();
                expiry = e.expiresAt;
                organization = null;
            } else {
                ConsentRegistry.ConsentGrantedRemoteEventResponse e =
                        ConsentRegistry.getConsentGrantedRemoteEventFromLog(log);
                patient = hex(e.patientId);
                grantee = hex(e.granteeId);
                scope = hex(e.scopeHash);
                nonce = e.nonce.longValueExact();
                expiry = e.expiresAt;
                organization = hex(e.granteeOrganizationId);
            }
            Optional<Consent> consent = expiry.compareTo(BigInteger.valueOf(MAX_EXPIRY)) > 0 ? Optional.empty()
                    : consents.matchGrant(patient, nonce, grantee, scope,
                            Instant.ofEpochSecond(expiry.longValueExact()))
                            .filter(c -> Objects.equals(c.granteeOrganizationId, organization));
            boolean fresh = mirror.addLog(new AppliedLog(block, index, blockHash, txHash, MirrorRepository.GRANTED,
                    patient, grantee, scope, expiry.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue(), nonce,
                    consent.map(c -> c.consentId).orElse(null)));
            if (fresh) {
                consent.ifPresentOrElse(c -> state.update(c, now), () -> LOG.infof(
                        "consent mirror: grant in tx %s (nonce %d) matches no consent of this platform",
                        txHash, nonce));
            }
            return fresh;
        }
        boolean revokedLocal = topic.equals(ConsentChain.REVOKED_TOPIC);
        if (revokedLocal || topic.equals(ConsentChain.REVOKED_REMOTE_TOPIC)) {
            String patient;
            String grantee;
            String scope;
            long nonce;
            String organization;
            if (revokedLocal) {
                ConsentRegistry.ConsentRevokedEventResponse e = ConsentRegistry.getConsentRevokedEventFromLog(log);
                patient = hex(e.patientId);
                grantee = hex(e.granteeId);
                scope = hex(e.scopeHash);
                nonce = e.nonce.longValueExact();
                organization = null;
            } else {
                ConsentRegistry.ConsentRevokedRemoteEventResponse e =
                        ConsentRegistry.getConsentRevokedRemoteEventFromLog(log);
                patient = hex(e.patientId);
                grantee = hex(e.granteeId);
                scope = hex(e.scopeHash);
                nonce = e.nonce.longValueExact();
                organization = hex(e.granteeOrganizationId);
            }
            // Our own revocation by its nonce; else (signed elsewhere, e.g. by the patient's wallet) the
            // granted consent with the same key, which the chain has just removed.
            Optional<Consent> consent = consents.matchRevoke(patient, nonce, grantee, scope)
                    .or(() -> consents.grantedWithKey(patient, grantee, scope))
                    .filter(c -> Objects.equals(c.granteeOrganizationId, organization));
            boolean fresh = mirror.addLog(new AppliedLog(block, index, blockHash, txHash, MirrorRepository.REVOKED,
                    patient, grantee, scope, null, nonce, consent.map(c -> c.consentId).orElse(null)));
            if (fresh) {
                consent.ifPresentOrElse(c -> state.update(c, now), () -> LOG.infof(
                        "consent mirror: revocation in tx %s (nonce %d) matches no consent of this platform",
                        txHash, nonce));
            }
            return fresh;
        }
        return false;
    }

    private static String hex(byte[] bytes32) {
        return Numeric.toHexString(bytes32).toLowerCase(Locale.ROOT);
    }
}
